/**
 * Taro build configuration (written by hand: `taro init` fetches templates from the internet).
 * One source root (`miniprogram/`), one output folder per platform (`dist/weapp`, `dist/h5`), the
 * repository's `shared/` schemas compiled into the bundle, NutUI styles per component.
 */
import path from 'node:path';
import { defineConfig } from '@tarojs/cli';
import type { IProjectConfig } from '@tarojs/taro/types/compile';
import devConfig from './dev';
import { ExternalInlineScriptsPlugin, type HtmlPluginClass } from './external-inline-scripts';
import prodConfig from './prod';

/** The repository's `shared/` folder: the zod schemas the BFF uses, compiled into the bundle too. */
const SHARED_DIR = path.resolve(__dirname, '..', 'shared');

export default defineConfig<'webpack5'>(async (merge, { mode }) => {
  const platform = process.env.TARO_ENV ?? 'weapp';
  const baseConfig: IProjectConfig<'webpack5'> = {
    projectName: 'zhengwu-gongkai',
    date: '2026-11-23',
    // NutUI is drawn on a 375 px design, our own styles on Taro's 750 px default.
    designWidth(input) {
      const file = typeof input === 'object' && input !== null && 'file' in input ? String(input.file ?? '') : '';
      return file.replace(/\\+/g, '/').includes('@nutui') ? 375 : 750;
    },
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'miniprogram',
    // TARO_OUTPUT_ROOT lets the browser tests build into their own folder (tmp/e2e-static/h5), so a
    // concurrent `npm run build:h5` (production settings) never replaces the build under test.
    outputRoot: process.env.TARO_OUTPUT_ROOT || `dist/${platform}`,
    plugins: [],
    defineConstants: {},
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: { type: 'webpack5', prebundle: { enable: false } },
    // The persistent cache would live in node_modules/.cache; builds are short enough without it.
    cache: { enable: false },
    alias: { '@shared': SHARED_DIR },
    mini: {
      // Only the sources and Taro are compiled by default; shared/ is TypeScript and must be too.
      compile: { include: [SHARED_DIR] },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
      optimizeMainPackage: { enable: true },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      compile: { include: [SHARED_DIR] },
      // NutUI's CSS lives in node_modules; listing it here applies the px transform to it in H5.
      esnextModules: ['nutui-react'],
      output: { filename: 'js/[name].[hash:8].js', chunkFilename: 'js/[name].[chunkhash:8].js' },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[hash].css',
        chunkFilename: 'css/[name].[chunkhash].css',
      },
      // No inline scripts in index.html: the BFF serves it under `script-src 'self'` (ADR 102).
      webpackChain(chain) {
        const html = chain.plugins.has('htmlWebpackPlugin') ? (chain.plugin('htmlWebpackPlugin').get('plugin') as HtmlPluginClass) : null;
        if (html) chain.plugin('externalInlineScripts').use(ExternalInlineScriptsPlugin, [html]);
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
  };
  return merge({}, baseConfig, mode === 'development' ? devConfig : prodConfig) as IProjectConfig<'webpack5'>;
});
