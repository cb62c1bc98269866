/**
 * Pages, tab bar and subpackages. The main package holds the four tabs, the inbox and the privacy
 * guide; each feature is a subpackage under `packages/<feature>/` so the main package stays small
 * (WeChat: ≤ 2 MB per package). Paths here and in routes.ts must agree.
 */
export default defineAppConfig({
  pages: ['pages/index/index', 'pages/policies/index', 'pages/interact/index', 'pages/mine/index', 'pages/inbox/index', 'pages/privacy/index'],
  subPackages: [
    { root: 'packages/policy', pages: ['pages/detail/index'] },
    {
      root: 'packages/mailbox',
      pages: ['pages/write/index', 'pages/submitted/index', 'pages/mine/index', 'pages/detail/index', 'pages/public/index', 'pages/public-detail/index'],
    },
    { root: 'packages/consultation', pages: ['pages/list/index', 'pages/detail/index', 'pages/results/index', 'pages/feedback/index', 'pages/mine/index'] },
    { root: 'packages/error-report', pages: ['pages/write/index', 'pages/mine/index', 'pages/detail/index'] },
  ],
  // Open the subpackage of the service tab early: most visits go on to one of them.
  preloadRule: {
    'pages/interact/index': { network: 'all', packages: ['packages/mailbox'] },
    'pages/policies/index': { network: 'all', packages: ['packages/policy'] },
  },
  window: {
    backgroundTextStyle: 'dark',
    navigationBarBackgroundColor: '#1a5fb4',
    navigationBarTitleText: '政务公开',
    navigationBarTextStyle: 'white',
    backgroundColor: '#f4f5f7',
  },
  tabBar: {
    color: '#666666',
    selectedColor: '#1a5fb4',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    // 81×81 PNGs (WeChat: no SVG, ≤ 40 KB each), drawn by scripts/render-tabbar-icons.mjs.
    list: [
      { pagePath: 'pages/index/index', text: '首页', iconPath: 'assets/tabbar/home.png', selectedIconPath: 'assets/tabbar/home-active.png' },
      { pagePath: 'pages/policies/index', text: '政策', iconPath: 'assets/tabbar/policy.png', selectedIconPath: 'assets/tabbar/policy-active.png' },
      { pagePath: 'pages/interact/index', text: '互动', iconPath: 'assets/tabbar/interact.png', selectedIconPath: 'assets/tabbar/interact-active.png' },
      { pagePath: 'pages/mine/index', text: '我的', iconPath: 'assets/tabbar/mine.png', selectedIconPath: 'assets/tabbar/mine-active.png' },
    ],
  },
  // Privacy-sensitive APIs (choosing images) need consent to the 隐私保护指引 first.
  __usePrivacyCheck__: true,
  lazyCodeLoading: 'requiredComponents',
});
