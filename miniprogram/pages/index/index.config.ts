export default definePageConfig({
  navigationBarTitleText: '政务公开',
  enablePullDownRefresh: true,
});
