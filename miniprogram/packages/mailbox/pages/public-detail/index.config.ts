export default definePageConfig({ navigationBarTitleText: '公开信件', enablePullDownRefresh: true });
