/**
 * The browser end-to-end tests (test/e2e/): the H5 build in Chromium against the real BFF. Run
 * with `npm run test:e2e`; `npm test` runs them after the main jest run. One file at a time:
 * each drives a whole browser, and the machines have 2 cores.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  globalSetup: '<rootDir>/test/e2e/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/e2e/support/global-teardown.ts',
  maxWorkers: 1,
  testTimeout: 120000,
};
