export default definePageConfig({
  navigationBarTitleText: '政民互动',
});
