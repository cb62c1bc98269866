/**
 * Overrides for `--mode development` (`npm run dev:h5`): the H5 dev server proxies `/api` to a
 * running BFF (BFF_URL, default http://127.0.0.1:3000), so the app calls its own origin and the
 * BFF needs no CORS.
 */
import type { IProjectConfig } from '@tarojs/taro/types/compile';

const devConfig: IProjectConfig<'webpack5'> = {
  logger: { quiet: false, stats: false },
  mini: {},
  h5: {
    devServer: {
      host: '127.0.0.1',
      port: 10086,
      // Fast refresh needs react-refresh and @pmmmwh/react-refresh-webpack-plugin, which are not installed.
      hot: false,
      proxy: {
        '/api': { target: process.env.BFF_URL ?? 'http://127.0.0.1:3000', changeOrigin: true },
      },
    },
  },
};

export default devConfig;
