#!/usr/bin/env node
/**
 * The whole test suite, as the README and CI run it: type-check (BFF, shared, tests, the
 * mini-program and the staff console), lint (`npm run lint:eslint`, `npm run lint:knip`; docs/decisions/100), then jest
 * (unit, integration, embedded-engine conformance), then the browser end-to-end tests
 * (jest.e2e.config.js: the H5 build in Chromium against the real BFF). Prints `N passed, N failed`
 * summed over both jest runs as the last line (a failed type-check or lint step counts as one
 * failure), writes the same counts to tmp/test-summary.json (CI reads it), and exits non-zero on
 * any failure.
 *
 * Extra arguments go to the first jest run (e.g. a path filter); the browser tests then do not
 * run (say so, and run them with `npm run test:e2e`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = path.join(root, 'tmp');
mkdirSync(tmp, { recursive: true });
// Keep every temporary file of the run inside the project's ignored tmp folder.
const env = { ...process.env, TMPDIR: tmp };
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const npm = 'npm';
const filterArgs = process.argv.slice(2);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' });
  return r.status ?? 1;
}

/** Passed and failed tests of a jest `--json` result file; a missing file counts as one failure. */
function countsOf(file) {
  if (!existsSync(file)) return { passed: 0, failed: 1 };
  const json = JSON.parse(readFileSync(file, 'utf8'));
  return { passed: json.numPassedTests, failed: json.numFailedTests + (json.numRuntimeErrorTestSuites ?? 0) };
}

let failed = 0;
let passed = 0;
let ok = true;

for (const project of ['tsconfig.json', 'miniprogram/tsconfig.json', 'console/tsconfig.json']) {
  console.log(`== type-check (tsc --noEmit -p ${project})`);
  if (run(bin('tsc'), ['--noEmit', '-p', project]) !== 0) {
    console.error(`type-check of ${project} failed`);
    failed += 1;
    ok = false;
  }
}

// The same commands as `npm run lint`, run one by one so a failing eslint still lets knip report.
for (const step of ['lint:eslint', 'lint:knip']) {
  console.log(`== lint (npm run ${step})`);
  if (run(npm, ['run', '--silent', step]) !== 0) {
    console.error(`lint step ${step} failed`);
    failed += 1;
    ok = false;
  }
}

console.log('== jest');
const results = path.join(tmp, 'jest-results.json');
rmSync(results, { force: true });
if (run(bin('jest'), ['--json', `--outputFile=${results}`, ...filterArgs]) !== 0) ok = false;
const unit = countsOf(results);
passed += unit.passed;
failed += unit.failed;

if (filterArgs.length > 0) {
  console.log('== browser e2e not run: a jest filter was given (run them with `npm run test:e2e`)');
} else {
  console.log('== browser e2e (jest -c jest.e2e.config.js)');
  const e2eResults = path.join(tmp, 'e2e-results.json');
  rmSync(e2eResults, { force: true });
  // A missing Chromium fails the global setup; no result file then counts as a failure below.
  if (run(bin('jest'), ['-c', 'jest.e2e.config.js', '--json', `--outputFile=${e2eResults}`]) !== 0) ok = false;
  const e2e = countsOf(e2eResults);
  passed += e2e.passed;
  failed += e2e.failed;
}

writeFileSync(path.join(tmp, 'test-summary.json'), `${JSON.stringify({ passed, failed })}\n`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(!ok || failed > 0 ? 1 : 0);
