#!/usr/bin/env node
/**
 * The whole test suite, as the README and CI run it: type-check, then jest (unit, integration,
 * embedded-engine conformance). Prints `N passed, N failed` from jest's JSON results as the last
 * line and exits non-zero on any failure. Extra arguments go to jest (e.g. a path filter).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = path.join(root, 'tmp');
mkdirSync(tmp, { recursive: true });
// Keep every temporary file of the run inside the project's ignored tmp folder.
const env = { ...process.env, TMPDIR: tmp };
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' });
  return r.status ?? 1;
}

console.log('== type-check (tsc --noEmit)');
const tscStatus = run(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
if (tscStatus !== 0) console.error('type-check failed');

console.log('== jest');
const results = path.join(tmp, 'jest-results.json');
rmSync(results, { force: true });
const jestStatus = run(bin('jest'), ['--json', `--outputFile=${results}`, ...process.argv.slice(2)]);

let passed = 0;
let failed = 0;
if (existsSync(results)) {
  const json = JSON.parse(readFileSync(results, 'utf8'));
  passed = json.numPassedTests;
  failed = json.numFailedTests + (json.numRuntimeErrorTestSuites ?? 0);
} else {
  failed = 1;
}
if (tscStatus !== 0) failed += 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(tscStatus !== 0 || jestStatus !== 0 || failed > 0 ? 1 : 0);
