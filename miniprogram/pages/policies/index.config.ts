export default definePageConfig({
  navigationBarTitleText: '政策文件',
  enablePullDownRefresh: true,
  onReachBottomDistance: 100,
});
