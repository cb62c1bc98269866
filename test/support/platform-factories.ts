/**
 * Helpers for the platform-service tests (uploads, notifications, content safety, background
 * tasks): small valid files of each accepted type, actors for service calls, and an upload
 * driver over HTTP.
 */
import request from 'supertest';
import type { CitizenActor, StaffActor } from '../../server/src/lib/actor';
import { auth, type TestApp } from './app';

/**
 * Environment of platform test apps: per-minute write limits lifted (tests upload far more than a
 * person), and tokens that outlive clock moves of a day or more.
 */
export const PLATFORM_TEST_ENV: Record<string, string> = {
  RATE_LIMIT_PER_USER: '1000000',
  RATE_LIMIT_PER_IP: '1000000',
  CITIZEN_TOKEN_TTL_SECONDS: String(90 * 86_400),
  STAFF_TOKEN_TTL_SECONDS: String(30 * 86_400),
};

const latin1 = (s: string) => Buffer.from(s, 'latin1');

/** A byte pattern that is not all zeros, so round trips prove every byte. */
export function patternBytes(length: number, seed = 7): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = x >>> 16;
  }
  return out;
}

/** A PNG signature followed by `bodyBytes` of data (enough for sniffing and round trips). */
export function pngBytes(bodyBytes = 64): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), latin1('IHDR'), patternBytes(bodyBytes)]);
}

export function jpegBytes(bodyBytes = 64): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), latin1('JFIF\0'), patternBytes(bodyBytes, 3)]);
}

export function gifBytes(): Buffer {
  return Buffer.concat([latin1('GIF89a'), Buffer.from([1, 0, 1, 0, 0, 0, 0]), latin1(';')]);
}

export function webpBytes(): Buffer {
  return Buffer.concat([latin1('RIFF'), Buffer.from([0x24, 0, 0, 0]), latin1('WEBPVP8 '), patternBytes(24, 5)]);
}

export function pdfBytes(): Buffer {
  return latin1('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
}

/** A Windows executable header. */
export function exeBytes(): Buffer {
  return Buffer.concat([latin1('MZ'), Buffer.from([0x90, 0, 3, 0, 0, 0, 4, 0]), patternBytes(64, 11)]);
}

export function htmlBytes(): Buffer {
  return Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>', 'utf8');
}

/** Uploads `content` as the multipart field `file` named `filename`. */
export function upload(t: TestApp, token: string, content: Buffer, filename: string, contentType?: string) {
  return request(t.app)
    .post('/api/uploads')
    .set(auth(token))
    .attach('file', content, contentType ? { filename, contentType } : filename);
}

/** The actor a token stands for, as a route handler would get it (for direct service calls). */
export async function actorOf(t: TestApp, token: string): Promise<CitizenActor | StaffActor> {
  const actor = await t.services.auth.resolveToken(token, { ip: '127.0.0.1', requestId: 'test-direct-call' });
  if (!actor || actor.kind === 'anonymous') throw new Error('token does not resolve to a signed-in actor');
  return actor;
}

/** The citizen actor and user id of a token. */
export async function citizenOf(t: TestApp, token: string): Promise<CitizenActor> {
  const actor = await actorOf(t, token);
  if (actor.kind !== 'citizen') throw new Error('not a citizen token');
  return actor;
}

/** Waits until `predicate` holds, polling (never a timed assertion: it only bounds the wait). */
export async function eventually(predicate: () => boolean | Promise<boolean>, what: string, maxMs = 10_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
