export default definePageConfig({
  navigationBarTitleText: '我的找错',
  enablePullDownRefresh: true,
  onReachBottomDistance: 100,
});
