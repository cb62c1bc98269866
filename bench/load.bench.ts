/**
 * `npm run bench:load`: 200 concurrent clients for 60 s on a mixed load — 80 % reads of policies,
 * consultations and public letters, 20 % submissions (letters and survey responses) — against a
 * BFF started as `npm start` runs it, on loopback only.
 *
 * The database runs as its own process (`npm run db:embedded`), as MongoDB would in production, so
 * the BFF's resident memory measures the BFF alone (the embedded engine keeps its data in memory
 * and grows with every submission). After a 10 s warm-up at the same load, the run prints
 * throughput, p50/p99 and errors (any non-2xx answer or failed request counts), and the BFF's RSS
 * averaged over the first and the last 20 s, sampled every second.
 *
 * Passes when there are no errors and the last 20 s' RSS is within 10 % of the first 20 s'.
 * Rate limits are raised in the BFF's config so one address and its citizens are never throttled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import { createModels } from '../server/src/models';
import { api, BENCH_ADMIN as ADMIN, citizenTokens, raiseDailyCap, seedRepliedLetters, startBff } from './api.bench';
import { seedConsultation, type SeededConsultation } from './fixtures/consultations';
import { seedPolicies } from './fixtures/policies';

const ROOT = path.resolve(__dirname, '..');
const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 200);
const DURATION_S = Number(process.env.LOAD_SECONDS ?? 60);
const WARMUP_S = Number(process.env.LOAD_WARMUP_SECONDS ?? 10);
const WINDOW_S = 20;
const CONSULTATIONS = 10;
const CITIZENS = Number(process.env.LOAD_CITIZENS ?? 2000);

/** The embedded database as its own process; resolves with the address it prints. */
function startDatabase(dbpath: string): Promise<{ child: ChildProcess; uri: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/embedded-mongo/cli.ts'), '--port', '0', '--dbpath', dbpath], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /listening on (mongodb:\/\/\S+)/.exec(out);
      if (m) resolve({ child, uri: m[1] });
    });
    child.stderr!.on('data', (d) => (out += String(d)));
    child.once('exit', (code) => reject(new Error(`embedded database exited with ${code}: ${out.slice(-2000)}`)));
  });
}

function withDatabase(serverUri: string, name: string): string {
  const u = new URL(serverUri);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Resident set size of a process in MiB (Linux /proc). */
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

type Kind = 'policy-list' | 'policy-detail' | 'consultation-list' | 'consultation-detail' | 'letters-list' | 'letter-detail' | 'letter-submit' | 'survey-submit';

/** The mix, in percent: 80 reads, 20 submissions. */
const MIX: Array<[Kind, number]> = [
  ['policy-list', 20],
  ['policy-detail', 20],
  ['consultation-list', 10],
  ['consultation-detail', 10],
  ['letters-list', 15],
  ['letter-detail', 5],
  ['letter-submit', 10],
  ['survey-submit', 10],
];

interface Fixture {
  policyIds: string[];
  consultations: SeededConsultation[];
  letterIds: string[];
  category: string;
  citizens: string[];
}

/** Builds the request picker: each request draws its kind from {@link MIX}. */
function picker(f: Fixture, counts: Map<Kind, number>): (req: autocannon.Request) => autocannon.Request {
  const cumulative: Array<[Kind, number]> = [];
  let total = 0;
  for (const [kind, weight] of MIX) cumulative.push([kind, (total += weight)]);
  let letters = 0;
  let responses = 0;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)];
  return (req) => {
    const roll = Math.random() * total;
    const kind = cumulative.find(([, upTo]) => roll < upTo)![0];
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    const get = (p: string): autocannon.Request => ({ ...req, method: 'GET', path: p, headers: {}, body: undefined });
    switch (kind) {
      case 'policy-list':
        return get(pick(['/api/policies?limit=20', '/api/policies?limit=10', '/api/categories']));
      case 'policy-detail':
        return get(`/api/policies/${pick(f.policyIds)}`);
      case 'consultation-list':
        return get(pick(['/api/consultations?limit=20', '/api/consultations?status=open&limit=20']));
      case 'consultation-detail':
        return get(`/api/consultations/${pick(f.consultations).id}`);
      case 'letters-list':
        return get(pick(['/api/letters/public?limit=20', '/api/letters/public?limit=10', '/api/letters/categories']));
      case 'letter-detail':
        return get(`/api/letters/public/${pick(f.letterIds)}`);
      case 'letter-submit': {
        const i = letters++;
        return {
          ...req,
          method: 'POST',
          path: '/api/letters',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${f.citizens[i % f.citizens.length]}` },
          body: JSON.stringify({ category: f.category, subject: `负载测试来信第${i}封`, content: `这是第${i}封负载测试来信的正文内容，用于混合负载测量。`, publicConsent: false }),
        };
      }
      case 'survey-submit': {
        // Each citizen answers each consultation once: consultation i % n, citizen ⌊i / n⌋.
        const i = responses++;
        const survey = f.consultations[i % f.consultations.length];
        const citizen = f.citizens[Math.floor(i / f.consultations.length) % f.citizens.length];
        return {
          ...req,
          method: 'POST',
          path: survey.responsesPath,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${citizen}` },
          body: JSON.stringify(survey.body(i)),
        };
      }
    }
  };
}

function statusSummary(result: autocannon.Result): string {
  const stats = (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {};
  return Object.entries(stats)
    .map(([code, v]) => `${code}: ${v.count}`)
    .join(', ');
}

async function main(): Promise<void> {
  mkdirSync(path.join(ROOT, 'tmp'), { recursive: true });
  const work = mkdtempSync(path.join(ROOT, 'tmp', 'bench-load-'));
  const children: ChildProcess[] = [];
  let seedConnection: mongoose.Connection | null = null;
  let ok: boolean;
  try {
    const db = await startDatabase(path.join(work, 'db'));
    children.push(db.child);
    const uri = withDatabase(db.uri, 'zhengwu');
    const bff = await startBff(path.join(work, 'bff'), [], { MONGODB_URI: uri });
    children.push(bff.child);
    const pid = bff.child.pid!;
    console.log(`BFF at ${bff.base} (pid ${pid}), database in its own process; loopback only`);
    console.log('rate limits raised for the run (RATE_LIMIT_PER_USER / RATE_LIMIT_PER_IP = 1,000,000): one address and its citizens are never throttled');

    console.log(`seeding: 40 replied public letters, 2,000 published policies, ${CONSULTATIONS} open consultations, ${CITIZENS} citizens …`);
    await seedRepliedLetters(bff.base, 40);
    seedConnection = await mongoose.createConnection(uri).asPromise();
    const policies = await seedPolicies({ models: createModels(seedConnection) }, 2000);
    const consultations: SeededConsultation[] = [];
    for (let i = 0; i < CONSULTATIONS; i++) consultations.push(await seedConsultation({ base: bff.base, admin: ADMIN }));
    // The daily cap at its maximum, so the citizens never reach it during the run.
    await raiseDailyCap(bff.base);
    const letterIds = ((await api(bff.base, 'GET', '/api/letters/public?limit=50')).items as Array<{ id: string }>).map((l) => l.id);
    const category = ((await api(bff.base, 'GET', '/api/letters/categories')).items as Array<{ key: string }>)[0].key;
    const citizens = await citizenTokens(bff.base, 'mixed', CITIZENS);
    // Details of the 200 newest policies: what readers open from the list's first pages.
    const fixture: Fixture = { policyIds: policies.policyIds.slice(0, 200), consultations, letterIds, category, citizens };

    const counts = new Map<Kind, number>();
    const setupRequest = picker(fixture, counts);
    console.log(`\nwarm-up: ${WARMUP_S} s at the same load (not measured)`);
    const warm = await autocannon({ url: bff.base, connections: CLIENTS, duration: WARMUP_S, requests: [{ setupRequest }] });
    console.log(`  ${Math.round(warm.requests.average)} req/s (${statusSummary(warm)})`);

    console.log(`\nmixed load: ${CLIENTS} clients, ${DURATION_S} s, ${MIX.map(([k, w]) => `${k} ${w}%`).join(', ')}`);
    counts.clear();
    const samples: Array<{ at: number; mib: number }> = [];
    const started = Date.now();
    const sampler = setInterval(() => samples.push({ at: (Date.now() - started) / 1000, mib: rssMiB(pid) }), 1000);
    const result = await autocannon({ url: bff.base, connections: CLIENTS, duration: DURATION_S, requests: [{ setupRequest }] });
    clearInterval(sampler);

    const errors = result.errors + result.timeouts + result.non2xx;
    console.log(`  requests: ${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    console.log(`  statuses: ${statusSummary(result)}`);
    console.log(`  throughput ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`);
    console.log(`  errors: ${errors} (${result.non2xx} non-2xx, ${result.errors} failed, ${result.timeouts} timed out)   ${errors === 0 ? 'pass' : 'FAIL'}`);

    const first = samples.filter((s) => s.at <= WINDOW_S).map((s) => s.mib);
    const last = samples.filter((s) => s.at > DURATION_S - WINDOW_S).map((s) => s.mib);
    const rssFirst = mean(first);
    const rssLast = mean(last);
    const drift = (rssLast - rssFirst) / rssFirst;
    const rssOk = Math.abs(drift) <= 0.1;
    console.log(
      `  BFF RSS: first ${WINDOW_S} s ${rssFirst.toFixed(1)} MiB, last ${WINDOW_S} s ${rssLast.toFixed(1)} MiB (${drift >= 0 ? '+' : ''}${(drift * 100).toFixed(1)} %, within 10 %)   ${rssOk ? 'pass' : 'FAIL'}`,
    );
    ok = errors === 0 && rssOk;
    console.log(`\nload ${ok ? 'pass' : 'FAIL'} rps=${Math.round(result.requests.average)} p50=${result.latency.p50} p99=${result.latency.p99} errors=${errors} rss_first=${rssFirst.toFixed(1)} rss_last=${rssLast.toFixed(1)}`);
  } finally {
    await seedConnection?.close();
    for (const c of children.reverse()) {
      c.kill('SIGTERM');
      if (c.exitCode === null) await new Promise((res) => c.once('exit', res));
    }
    rmSync(work, { recursive: true, force: true });
  }
  if (!ok) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
