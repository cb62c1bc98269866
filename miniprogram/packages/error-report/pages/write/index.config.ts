export default definePageConfig({ navigationBarTitleText: '我要找错' });
