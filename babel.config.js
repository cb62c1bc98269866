/**
 * Babel for the Taro build only (Taro's webpack runner compiles miniprogram/ and shared/ with it).
 * Jest does not read this file: its transform is @swc/jest (jest.config.js).
 */
module.exports = {
  // hot: false — fast refresh (react-refresh) is not installed; dev:h5 reloads the page instead.
  presets: [['taro', { framework: 'react', ts: true, compiler: 'webpack5', hot: false }]],
  plugins: [
    [
      'import',
      {
        libraryName: '@nutui/nutui-react-taro',
        libraryDirectory: 'dist/es/packages',
        // Per-component CSS, so the bundle carries only the styles of the components used.
        style: (name) => `${name.toLowerCase()}/style/css`,
        customName: (name) => `@nutui/nutui-react-taro/dist/es/packages/${name.toLowerCase()}`,
        camel2DashComponentName: false,
      },
      'nutui-react-taro',
    ],
  ],
};
