/**
 * A webpack plugin for the H5 build: moves every inline `<script>` of the generated HTML into a
 * content-hashed file (`js/inline.<hash>.js`) loaded by `<script src>` at the same place, so the
 * page runs under the BFF's Content-Security-Policy (`script-src 'self'`, no inline scripts;
 * middlewares/security-headers.ts, docs/decisions/102). Taro writes its rem script (the root
 * font size the px→rem transform relies on) inline in the HTML template; a blocked script leaves
 * every rem-sized element at the browser's default size.
 *
 * A classic `<script src>` in `<head>` runs in the same order and just as synchronously as the
 * inline one did. The hash in the name lets the BFF serve the file as immutable.
 */
import { createHash } from 'node:crypto';
import type { Compilation, Compiler } from 'webpack';

/** The part of html-webpack-plugin's class this plugin uses (taken from Taro's chain, not imported). */
export interface HtmlPluginClass {
  getHooks(compilation: Compilation): {
    beforeEmit: { tap(name: string, fn: (data: { html: string }) => { html: string }): void };
  };
}

const NAME = 'ExternalInlineScriptsPlugin';
/** An inline classic script: `<script>` with no attributes (Taro's template writes exactly that). */
const INLINE_SCRIPT = /<script>([\s\S]*?)<\/script>/g;

export class ExternalInlineScriptsPlugin {
  constructor(private readonly htmlPlugin: HtmlPluginClass) {}

  apply(compiler: Compiler): void {
    compiler.hooks.compilation.tap(NAME, (compilation) => {
      this.htmlPlugin.getHooks(compilation).beforeEmit.tap(NAME, (data) => {
        const publicPath = typeof compilation.outputOptions.publicPath === 'string' ? compilation.outputOptions.publicPath : '/';
        data.html = data.html.replace(INLINE_SCRIPT, (_tag, code: string) => {
          if (code.trim() === '') return '';
          const file = `js/inline.${createHash('sha256').update(code).digest('hex').slice(0, 16)}.js`;
          if (!compilation.getAsset(file)) compilation.emitAsset(file, new compiler.webpack.sources.RawSource(code));
          return `<script src="${publicPath}${file}"></script>`;
        });
        return data;
      });
    });
  }
}
