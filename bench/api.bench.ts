/**
 * `npm run bench:api`: the BFF's throughput under load, against a running BFF (its own process,
 * embedded database in-process, as `npm start` runs it) and, in the same run, a bare `node:http`
 * server returning the same JSON bytes — the ceiling any Node HTTP stack has on this machine.
 *
 * Load comes from autocannon in this process (64 connections unless BENCH_CONNECTIONS says
 * otherwise). Data is seeded through the public and admin HTTP APIs.
 *
 * Figures: the public letter list and the policy list (10,000 policies) and the policy detail,
 * each beside a bare server returning its bytes; letter submissions; survey responses. The run
 * ends with one line per figure, `figure <name> rps=<n> p99=<ms>` and, where a bare server was
 * measured, ` ratio=<x> bare_p99=<ms>`. `BENCH_ONLY=policy-detail,letter-submit` runs only those;
 * `BENCH_BFF_NODE_ARGS='--cpu-prof --cpu-prof-dir=tmp/prof'` passes Node options to the BFF.
 *
 * Targets (issue 8): public lists ≥ 0.6× the bare server's requests/s with p99 ≤ 2× the bare
 * server's; policy detail ≥ 0.5× (views still counted); letter submissions and survey responses
 * ≥ 1,000/s acknowledged, each once the submission itself is durable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import { credentialsUri, readCredentials } from '../server/embedded-mongo';
import { createModels } from '../server/src/models';
import { seedConsultation } from './fixtures/consultations';
import { seedPolicies } from './fixtures/policies';

const ROOT = path.resolve(__dirname, '..');
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
/** The admin account startBff bootstraps. */
export const BENCH_ADMIN = { username: 'benchadmin', password: 'Bench-admin-password-1' };
const ADMIN = BENCH_ADMIN;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON bodies read field by field

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (pattern.test(seen)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}:\n${seen.slice(-2000)}`)));
  });
}

/** The BFF as `npm start` runs it, with limits raised so the benchmark measures throughput. */
export async function startBff(dataDir: string, nodeArgs: string[] = [], extraEnv: Record<string, string> = {}): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(ROOT, 'server/src/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      WECHAT_DEV_LOGIN: 'true',
      // The tests and benchmarks start from an empty database (no demo county).
      DEMO_DATA: 'off',
      RATE_LIMIT_PER_USER: '1000000',
      RATE_LIMIT_PER_IP: '1000000',
      PUBLIC_READ_RATE_LIMIT_PER_IP: '100000000',
      PUBLIC_SEARCH_RATE_LIMIT_PER_IP: '100000000',
      BACKGROUND_TASKS: 'off',
      ...(process.env.BENCH_MONGODB_URI ? { MONGODB_URI: process.env.BENCH_MONGODB_URI } : {}),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the BFF did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, base };
}

/** A bare node:http server answering every request with `body`, in its own process. */
async function startBare(body: string, status = 200): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const script = `
    const http = require('node:http');
    const body = Buffer.from(process.env.BARE_BODY, 'base64');
    http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(${status}, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
        res.end(body);
      });
    }).listen(${port}, '127.0.0.1', () => console.log('bare listening'));`;
  const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, BARE_BODY: Buffer.from(body).toString('base64') }, stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForLine(child, /bare listening/, 'bare server');
  return { child, base: `http://127.0.0.1:${port}` };
}

export async function api(base: string, method: string, p: string, body?: unknown, token?: string): Promise<Json> {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p} -> ${res.status}: ${text}`);
  return text ? (JSON.parse(text) as Json) : {};
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(label: string, opts: autocannon.Options): Promise<Figures> {
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...opts });
  const f = {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
  const codes = Object.entries((result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, v]) => `${code}: ${v.count}`)
    .join(', ');
  console.log(
    `  ${label.padEnd(44)} ${Math.round(f.rps).toLocaleString('en-US').padStart(8)} req/s   p50 ${String(f.p50).padStart(4)} ms   p99 ${String(f.p99).padStart(4)} ms${f.non2xx || f.errors ? `   (${f.non2xx} non-2xx${codes ? ` [${codes}]` : ''}, ${f.errors} errors)` : ''}`,
  );
  return f;
}

/** Signs in as staff of each role the mailbox workflow needs. */
async function staffTokens(base: string): Promise<{ admin: string; office: string; handler: string; reviewer: string; departmentId: string }> {
  const admin = (await api(base, 'POST', '/api/admin/auth/login', ADMIN)).token as string;
  const department = await api(base, 'POST', '/api/admin/departments', { name: '基准测试部门' }, admin);
  const departmentId = department.id as string;
  const tokens: Record<string, string> = {};
  for (const role of ['office', 'handler', 'reviewer'] as const) {
    const username = `bench${role}`;
    const password = 'Bench-staff-password-1';
    await api(base, 'POST', '/api/admin/staff', { username, displayName: `基准${role}`, role, password, departmentId: role === 'handler' ? departmentId : null }, admin);
    tokens[role] = (await api(base, 'POST', '/api/admin/auth/login', { username, password })).token as string;
  }
  return { admin, office: tokens.office, handler: tokens.handler, reviewer: tokens.reviewer, departmentId };
}

export async function seedRepliedLetters(base: string, n: number): Promise<void> {
  const staff = await staffTokens(base);
  const categories = (await api(base, 'GET', '/api/letters/categories')).items as Array<{ key: string }>;
  for (let i = 0; i < n; i++) {
    const citizen = (await api(base, 'POST', '/api/auth/wechat', { code: `dev:seed${i}` })).token as string;
    const letter = await api(
      base,
      'POST',
      '/api/letters',
      {
        category: categories[i % categories.length].key,
        subject: `关于第${i}号路段路灯不亮的问题`,
        content: `我是张三，电话13812345678，住在幸福路${i}号。小区门口的路灯已经坏了两周，晚上出行很不方便，希望尽快修复。`,
        contactName: '张三',
        contactPhone: '13812345678',
        publicConsent: true,
      },
      citizen,
    );
    const id = letter.id as string;
    await api(base, 'POST', `/api/admin/letters/${id}/accept`, {}, staff.office);
    await api(base, 'POST', `/api/admin/letters/${id}/assign`, { departmentId: staff.departmentId }, staff.office);
    await api(base, 'POST', `/api/admin/letters/${id}/draft`, { reply: '您好，经核实，路灯已于本周修复，感谢您的反映。' }, staff.handler);
    await api(base, 'POST', `/api/admin/letters/${id}/approve`, {}, staff.reviewer);
    await api(base, 'POST', `/api/admin/letters/${id}/send`, {}, staff.office);
    // 公开前审核: listed only once the office confirms the (masked) public version.
    const { subject, content, reply } = await api(base, 'GET', `/api/admin/letters/${id}/public-version`, undefined, staff.office);
    await api(base, 'POST', `/api/admin/letters/${id}/public-version`, { subject, content, reply }, staff.office);
  }
}

/** Signs in `n` citizens through dev login, 16 at a time. */
export async function citizenTokens(base: string, prefix: string, n: number): Promise<string[]> {
  const tokens: string[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < n) {
        const i = next++;
        tokens[i] = (await api(base, 'POST', '/api/auth/wechat', { code: `dev:${prefix}${i}` })).token as string;
      }
    }),
  );
  return tokens;
}

function verdict(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}

/** Figures to run: all, or those named in BENCH_ONLY (comma-separated figure names). */
const ONLY = new Set((process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const wanted = (name: string) => ONLY.size === 0 || ONLY.has(name);

/** One summary figure: the BFF's, and the bare server's when one was measured beside it. */
interface Figure {
  name: string;
  bff: Figures;
  bare?: Figures;
}

/** `figure <name> rps=<n> p99=<ms>[ ratio=<x> bare_p99=<ms>]`, the line tools read. */
function figureLine(f: Figure): string {
  const base = `figure ${f.name} rps=${Math.round(f.bff.rps)} p99=${f.bff.p99}`;
  return f.bare ? `${base} ratio=${(f.bff.rps / f.bare.rps).toFixed(2)} bare_p99=${f.bare.p99}` : base;
}

/** Lets the mailbox take a benchmark's letters: the daily cap per citizen at its maximum. */
export async function raiseDailyCap(base: string): Promise<void> {
  const admin = (await api(base, 'POST', '/api/admin/auth/login', ADMIN)).token as string;
  const current = await api(base, 'GET', '/api/admin/letters/settings', undefined, admin);
  const settings = (current.settings ?? current) as Json;
  await api(
    base,
    'PUT',
    '/api/admin/letters/settings',
    { categories: settings.categories, limits: settings.limits, duplicateWindowMinutes: settings.duplicateWindowMinutes, submissionsPerDay: 100, publicListing: settings.publicListing },
    admin,
  );
}

async function main(): Promise<void> {
  mkdirSync(path.join(ROOT, 'tmp'), { recursive: true });
  const dataDir = mkdtempSync(path.join(ROOT, 'tmp', 'bench-api-'));
  const children: ChildProcess[] = [];
  const figures: Figure[] = [];
  let seedConnection: mongoose.Connection | null = null;
  try {
    // The embedded database on a known port, so this process can bulk-load policies into it.
    const dbPort = await freePort();
    // BENCH_BFF_NODE_ARGS='--cpu-prof --cpu-prof-dir=tmp/prof' profiles the BFF (NODE_OPTIONS refuses --cpu-prof).
    const bff = await startBff(dataDir, (process.env.BENCH_BFF_NODE_ARGS ?? '').split(' ').filter(Boolean), { EMBEDDED_MONGO_PORT: String(dbPort) });
    children.push(bff.child);
    console.log(`BFF at ${bff.base} (embedded database on a worker thread, as npm start runs it), ${CONNECTIONS} connections, ${DURATION_S} s per figure`);
    console.log('rate limits raised for the run (RATE_LIMIT_PER_USER / RATE_LIMIT_PER_IP = 1,000,000): one address and its citizens are never throttled\n');

    console.log('seeding: 60 replied public letters through the API, 10,000 published policies, one open consultation …');
    await seedRepliedLetters(bff.base, 60);
    // The embedded database requires its generated credentials (DATA_DIR/db/credentials.json).
    const dbUri = credentialsUri(`127.0.0.1:${dbPort}`, readCredentials(path.join(dataDir, 'db'))!);
    seedConnection = await mongoose.createConnection(dbUri, { dbName: 'zhengwu' }).asPromise();
    const policies = await seedPolicies({ models: createModels(seedConnection) }, 10_000);
    const survey = await seedConsultation({ base: bff.base, admin: ADMIN });

    const listPath = '/api/letters/public?limit=20';
    const policyListPath = '/api/policies?limit=20';
    const bodies = { letters: await (await fetch(`${bff.base}${listPath}`)).text(), policies: await (await fetch(`${bff.base}${policyListPath}`)).text() };
    // The details readers open from the list's first page (the newest policies).
    const firstPage = (JSON.parse(bodies.policies) as { items: Array<{ id: string }> }).items.map((p) => p.id);
    const detailBody = await (await fetch(`${bff.base}/api/policies/${firstPage[0]}`)).text();
    const bareLetters = await startBare(bodies.letters);
    const barePolicies = await startBare(bodies.policies);
    const bareDetail = await startBare(detailBody);
    children.push(bareLetters.child, barePolicies.child, bareDetail.child);

    if (wanted('letters-public-list')) {
      console.log('\nGET /api/letters/public (20 per page, personal data masked)');
      const bare = await load('bare node:http, same JSON bytes', { url: `${bareLetters.base}${listPath}` });
      figures.push({ name: 'letters-public-list', bare, bff: await load('BFF', { url: `${bff.base}${listPath}` }) });
    }

    if (wanted('policy-list')) {
      console.log('\nGET /api/policies (20 per page, 10,000 published policies)');
      const bare = await load('bare node:http, same JSON bytes', { url: `${barePolicies.base}${policyListPath}` });
      figures.push({ name: 'policy-list', bare, bff: await load('BFF', { url: `${bff.base}${policyListPath}` }) });
    }

    if (wanted('policy-detail')) {
      console.log(`\nGET /api/policies/:id (the ${firstPage.length} policies of the list's first page in turn; every view counted, stored every few seconds)`);
      const bare = await load('bare node:http, same JSON bytes (one detail)', { url: `${bareDetail.base}/api/policies/${firstPage[0]}` });
      let pick = 0;
      const bffDetail = await load('BFF', {
        url: bff.base,
        requests: [{ setupRequest: (req) => ({ ...req, path: `/api/policies/${firstPage[pick++ % firstPage.length]}` }) }],
      });
      figures.push({ name: 'policy-detail', bare, bff: bffDetail });
      // For information: readers spread evenly over all 10,000 mostly miss a cache of a few seconds.
      let spread = 0;
      await load('BFF, random among all 10,000 (mostly cache misses)', {
        url: bff.base,
        requests: [{ setupRequest: (req) => ({ ...req, path: `/api/policies/${policies.policyIds[(spread++ * 7919) % policies.policyIds.length]}` }) }],
      });
    }

    if (wanted('letter-submit')) {
      console.log('\nPOST /api/letters (acknowledged once the letter is journaled and fsynced; its counters and lock are not)');
      // 1,000 writers with the daily cap at its maximum (100) never reach it during the run.
      await raiseDailyCap(bff.base);
      const citizens = await citizenTokens(bff.base, 'load', 1000);
      const category = ((await api(bff.base, 'GET', '/api/letters/categories')).items as Array<{ key: string }>)[0].key;
      let seq = 0;
      const submit = await load('BFF', {
        url: `${bff.base}/api/letters`,
        method: 'POST',
        requests: [
          {
            setupRequest: (req) => {
              const i = seq++;
              return {
                ...req,
                headers: { 'content-type': 'application/json', authorization: `Bearer ${citizens[i % citizens.length]}` },
                body: JSON.stringify({ category, subject: `基准测试来信第${i}封`, content: `这是第${i}封基准测试来信的正文内容，用于测量提交吞吐量。`, publicConsent: false }),
              };
            },
          },
        ],
      });
      figures.push({ name: 'letter-submit', bff: submit });
    }

    if (wanted('survey-submit')) {
      console.log('\nPOST /api/consultations/:id/responses (one per person: a new citizen each request; acknowledged once the response is journaled)');
      const respondents = await citizenTokens(bff.base, 'survey', Number(process.env.BENCH_RESPONDENTS ?? 16_000));
      let r = 0;
      const responses = await load('BFF', {
        url: `${bff.base}${survey.responsesPath}`,
        method: 'POST',
        requests: [
          {
            setupRequest: (req) => {
              const i = r++;
              // Past the prepared respondents every request is a repeat (409): the run says so.
              return { ...req, headers: { 'content-type': 'application/json', authorization: `Bearer ${respondents[i % respondents.length]}` }, body: JSON.stringify(survey.body(i)) };
            },
          },
        ],
      });
      figures.push({ name: 'survey-submit', bff: responses });
    }

    console.log('\nsummary (targets, issue 8)');
    for (const f of figures) {
      const clean = !f.bff.non2xx && !f.bff.errors;
      if (f.bare) {
        const ratio = f.bff.rps / f.bare.rps;
        const floor = f.name === 'policy-detail' ? 0.5 : 0.6;
        const p99ok = f.name === 'policy-detail' || f.bff.p99 <= 2 * f.bare.p99;
        const p99Target = f.name === 'policy-detail' ? '' : `, p99 ${f.bff.p99} ms (<= 2x bare ${f.bare.p99} ms)`;
        console.log(`  ${f.name.padEnd(20)} ${ratio.toFixed(2)}x the bare server (>= ${floor}x)${p99Target}   ${verdict(ratio >= floor && p99ok && clean)}`);
      } else {
        console.log(`  ${f.name.padEnd(20)} ${Math.round(f.bff.rps)}/s acknowledged (>= 1,000/s, no errors)   ${verdict(f.bff.rps >= 1000 && clean)}`);
      }
    }
    console.log('');
    for (const f of figures) console.log(figureLine(f));
  } finally {
    await seedConnection?.close();
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((res) => c.once('exit', res)) : undefined)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
