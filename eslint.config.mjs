/**
 * ESLint for the whole repository (flat config), run by `npm run lint` and by `npm test`
 * (docs/decisions/100-lint-in-the-test-command.md). typescript-eslint's recommended rules
 * everywhere, React's hooks rules on the mini-program and the console, the globals each folder really runs with.
 * Stale `eslint-disable` comments are errors, and `--max-warnings 0` fails on warnings too.
 */
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
  globalIgnores(['**/node_modules/', 'dist/', 'tmp/', 'coverage/', '.data/', '.swc/']),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error', reportUnusedInlineConfigs: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // A destructuring that reassigns one of its names stays one `let` (`[doc, pos] = read(…)`).
      'prefer-const': ['error', { destructuring: 'all' }],
      // `_`-prefixed names mark a parameter or binding kept on purpose (a signature, a rest omit).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  // The BFF, the embedded engine, tests, benchmarks, scripts and the Taro build config run on Node.
  {
    files: ['server/**', 'test/**', 'bench/**', 'scripts/**', 'config/**', '*.{js,mjs,cjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['test/**'],
    languageOptions: { globals: { ...globals.jest } },
  },
  // CommonJS config files (babel, jest) use `module.exports`.
  {
    files: ['*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // The mini-program runs in WeChat's JS engine and, as the H5 build, in browsers. (shared/ is
  // TypeScript only, where TypeScript itself checks names, so it needs no globals.)
  {
    files: ['miniprogram/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['miniprogram/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
  },
  // The staff console (console/) runs in desktop browsers; its Vite config runs on Node.
  {
    files: ['console/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['console/vite.config.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['console/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
  },
]);
