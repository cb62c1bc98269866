/**
 * SCRAM-SHA-256 for our own raw-wire clients (benchmarks, wire tests), which speak OP_MSG by hand
 * and so cannot lean on the driver: saslStart, saslContinue, and a check of the server's
 * signature, the same conversation the driver has in its handshake.
 */
import { Binary } from 'bson';
import type { Doc } from '../types';
import { AUTH_DATABASE, type EmbeddedCredentials } from './credentials';
import { SCRAM_SHA_256, ScramClientConversation } from './scram';

function payloadText(reply: Doc): string {
  const p = reply.payload;
  if (!(p instanceof Binary)) throw new Error('sasl reply without a BinData payload');
  return Buffer.from(p.buffer.subarray(0, p.position)).toString('utf8');
}

function checkOk(reply: Doc, step: string): Doc {
  if (reply.ok !== 1) throw Object.assign(new Error(`${step} failed: ${String(reply.errmsg)} (${String(reply.code)})`), { code: reply.code });
  return reply;
}

/**
 * Authenticates one connection. `run` sends a command document (its `$db` included) on that
 * connection and resolves with the reply. Rejects with the server's error (code 18 for a wrong
 * password), or when the server's signature shows it does not hold the password's keys.
 */
export async function authenticateConnection(run: (cmd: Doc) => Promise<Doc>, credentials: EmbeddedCredentials): Promise<void> {
  const scram = new ScramClientConversation(credentials.username, credentials.password);
  const bytes = (text: string) => new Binary(Buffer.from(text, 'utf8'));
  const started = checkOk(
    await run({ saslStart: 1, mechanism: SCRAM_SHA_256, payload: bytes(scram.first()), options: { skipEmptyExchange: true }, $db: AUTH_DATABASE }),
    'saslStart',
  );
  const finished = checkOk(
    await run({ saslContinue: 1, conversationId: started.conversationId, payload: bytes(scram.final(payloadText(started))), $db: AUTH_DATABASE }),
    'saslContinue',
  );
  scram.verify(payloadText(finished));
  if (finished.done !== true) {
    checkOk(await run({ saslContinue: 1, conversationId: started.conversationId, payload: bytes(''), $db: AUTH_DATABASE }), 'saslContinue');
  }
}
