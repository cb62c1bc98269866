export default definePageConfig({ navigationBarTitleText: '找错详情', enablePullDownRefresh: true });
