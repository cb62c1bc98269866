/** Overrides for production builds (`npm run build:weapp`, `npm run build:h5`). */
import type { IProjectConfig } from '@tarojs/taro/types/compile';

const prodConfig: IProjectConfig<'webpack5'> = {
  mini: {},
  h5: {
    // Keep the built H5 app self-contained: no source maps shipped.
    enableSourceMap: false,
  },
};

export default prodConfig;
