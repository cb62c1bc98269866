/**
 * The embedded server's wire protocol, spoken by hand over TCP: handshake, authentication
 * (SCRAM-SHA-256 through saslStart / saslContinue and inside hello), both OP_MSG section kinds,
 * moreToCome, checksums, retried writes, and that a bad message closes only its own connection.
 * (Specific to the embedded server: not run against a real MongoDB.)
 */
import net from 'node:net';
import { Binary, BSON, Long, UUID } from 'bson';
import { authenticateConnection, startEmbeddedMongo, type EmbeddedMongo } from '../../server/embedded-mongo';
import { ScramClientConversation } from '../../server/embedded-mongo/auth/scram';
import { crc32c } from '../../server/embedded-mongo/protocol/wire';

type Doc = Record<string, unknown>;

let server: EmbeddedMongo;
let nextId = 1;

beforeAll(async () => {
  server = await startEmbeddedMongo({ port: 0, dbpath: null, cursorTimeoutMs: 300 });
});

afterAll(async () => {
  await server.close();
});

/** A raw connection that sends frames and reads whole reply frames. */
class RawConnection {
  private buf = Buffer.alloc(0);
  private waiters: Array<(b: Buffer) => void> = [];
  closed = false;
  private closeWaiters: Array<() => void> = [];

  constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 4 && this.buf.length >= this.buf.readInt32LE(0) && this.waiters.length) {
        const len = this.buf.readInt32LE(0);
        const frame = this.buf.subarray(0, len);
        this.buf = this.buf.subarray(len);
        this.waiters.shift()!(frame);
      }
    });
    socket.on('close', () => {
      this.closed = true;
      this.closeWaiters.forEach((f) => f());
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawConnection(s)));
      s.once('error', reject);
    });
  }

  send(frame: Buffer): void {
    this.socket.write(frame);
  }

  reply(): Promise<Buffer> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.socket.emit('data', Buffer.alloc(0));
    });
  }

  waitClosed(): Promise<void> {
    return this.closed ? Promise.resolve() : new Promise((r) => this.closeWaiters.push(r));
  }

  end(): void {
    this.socket.destroy();
  }
}

function header(length: number, opCode: number, requestId = nextId++): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(0, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

function opQuery(collection: string, query: Doc): Buffer {
  const name = Buffer.from(`${collection}\0`);
  const body = BSON.serialize(query);
  const rest = Buffer.concat([Buffer.alloc(4), name, Buffer.alloc(8), body]);
  rest.writeInt32LE(-1, name.length + 4 + 4); // numberToReturn
  return Buffer.concat([header(16 + rest.length, 2004), rest]);
}

function opMsg(body: Doc, options: { sequences?: Array<[string, Doc[]]>; flags?: number; checksum?: boolean; corruptChecksum?: boolean } = {}): Buffer {
  let flags = options.flags ?? 0;
  if (options.checksum) flags |= 1;
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(BSON.serialize(body))];
  for (const [id, docs] of options.sequences ?? []) {
    const payload = Buffer.concat([Buffer.from(`${id}\0`), ...docs.map((d) => Buffer.from(BSON.serialize(d)))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4);
    parts.push(Buffer.from([1]), size, payload);
  }
  const flagBuf = Buffer.alloc(4);
  flagBuf.writeUInt32LE(flags);
  const sections = Buffer.concat(parts);
  const length = 16 + 4 + sections.length + (options.checksum ? 4 : 0);
  let msg = Buffer.concat([header(length, 2013), flagBuf, sections]);
  if (options.checksum) {
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE((crc32c(msg) ^ (options.corruptChecksum ? 1 : 0)) >>> 0);
    msg = Buffer.concat([msg, crc]);
  }
  return msg;
}

function parseOpReply(frame: Buffer): Doc {
  expect(frame.readInt32LE(12)).toBe(1); // OP_REPLY
  expect(frame.readInt32LE(32)).toBe(1); // numberReturned
  return BSON.deserialize(frame.subarray(36));
}

function parseOpMsg(frame: Buffer): Doc {
  expect(frame.readInt32LE(12)).toBe(2013);
  expect(frame[20]).toBe(0);
  return BSON.deserialize(frame.subarray(21));
}

async function command(conn: RawConnection, body: Doc, options?: Parameters<typeof opMsg>[1]): Promise<Doc> {
  conn.send(opMsg(body, options));
  return parseOpMsg(await conn.reply());
}

/** A raw connection that has authenticated as the server's user. */
async function signedIn(): Promise<RawConnection> {
  const conn = await RawConnection.open(server.port);
  await authenticateConnection((cmd) => command(conn, cmd), server.credentials);
  return conn;
}

it('answers a legacy OP_QUERY isMaster handshake as a one-node replica set primary', async () => {
  const conn = await RawConnection.open(server.port);
  conn.send(opQuery('admin.$cmd', { isMaster: 1, client: { driver: { name: 'raw', version: '0' } } }));
  const reply = parseOpReply(await conn.reply());
  expect(reply.ok).toBe(1);
  expect(reply.ismaster).toBe(true);
  expect(reply.setName).toBe('rs0');
  expect(reply.hosts).toEqual([`127.0.0.1:${server.port}`]);
  expect(reply.primary).toBe(`127.0.0.1:${server.port}`);
  expect(reply.maxWireVersion).toBeGreaterThanOrEqual(9);
  expect(reply.logicalSessionTimeoutMinutes).toBe(30);
  expect(reply.topologyVersion).toBeUndefined();
  conn.end();
});

it('reads document sequences (kind 1 sections) as the command array', async () => {
  const conn = await signedIn();
  const docs = [{ _id: 1, a: 'x' }, { _id: 2, a: 'y' }, { _id: 3, a: 'z' }];
  const res = await command(conn, { insert: 'seq', $db: 'wire', ordered: true }, { sequences: [['documents', docs]] });
  expect(res).toMatchObject({ ok: 1, n: 3 });
  const found = await command(conn, { find: 'seq', filter: {}, sort: { _id: 1 }, $db: 'wire' });
  expect((found.cursor as { firstBatch: Doc[] }).firstBatch).toEqual(docs);
  conn.end();
});

it('sends no reply to a moreToCome message but still runs it', async () => {
  const conn = await signedIn();
  conn.send(opMsg({ insert: 'quiet', documents: [{ _id: 'q' }], $db: 'wire', writeConcern: { w: 0 } }, { flags: 2 }));
  // The next reply on the connection belongs to the next request.
  const res = await command(conn, { count: 'quiet', query: {}, $db: 'wire' });
  expect(res).toMatchObject({ ok: 1, n: 1 });
  conn.end();
});

it('accepts a message with a valid CRC-32C checksum', async () => {
  const conn = await RawConnection.open(server.port);
  const res = await command(conn, { ping: 1, $db: 'admin' }, { checksum: true });
  expect(res.ok).toBe(1);
  conn.end();
});

it('closes only the connection that sent a bad checksum', async () => {
  const bad = await RawConnection.open(server.port);
  const good = await RawConnection.open(server.port);
  bad.send(opMsg({ ping: 1, $db: 'admin' }, { checksum: true, corruptChecksum: true }));
  await bad.waitClosed();
  expect(bad.closed).toBe(true);
  expect((await command(good, { ping: 1, $db: 'admin' })).ok).toBe(1);
  good.end();
});

it('closes a connection announcing an oversized message and keeps serving others', async () => {
  const bad = await RawConnection.open(server.port);
  const good = await RawConnection.open(server.port);
  const h = header(64 * 1024 * 1024, 2013);
  bad.send(h);
  await bad.waitClosed();
  expect((await command(good, { ping: 1, $db: 'admin' })).ok).toBe(1);
  good.end();
});

it('closes a connection sending garbage BSON and keeps serving others', async () => {
  const bad = await RawConnection.open(server.port);
  const good = await RawConnection.open(server.port);
  const junk = Buffer.concat([header(16 + 4 + 1 + 9, 2013), Buffer.alloc(4), Buffer.from([0]), Buffer.from([9, 0, 0, 0, 0xff, 1, 2, 3, 0])]);
  bad.send(junk);
  await bad.waitClosed();
  expect((await command(good, { ping: 1, $db: 'admin' })).ok).toBe(1);
  good.end();
});

it('answers an unknown command with CommandNotFound (59)', async () => {
  const conn = await RawConnection.open(server.port);
  const res = await command(conn, { frobnicate: 1, $db: 'admin' });
  expect(res).toMatchObject({ ok: 0, code: 59, codeName: 'CommandNotFound' });
  conn.end();
});

it('answers a retried write (same lsid and txnNumber) without applying it twice', async () => {
  const conn = await signedIn();
  const lsid = { id: new UUID() };
  const insert = { insert: 'retry', documents: [{ v: 1 }], $db: 'wire', lsid, txnNumber: Long.fromNumber(1) };
  const first = await command(conn, insert);
  const second = await command(conn, insert);
  expect(first).toMatchObject({ ok: 1, n: 1 });
  expect(second).toMatchObject({ ok: 1, n: 1 });
  const count = await command(conn, { count: 'retry', query: {}, $db: 'wire' });
  expect(count.n).toBe(1);
  const update = { update: 'retry', updates: [{ q: {}, u: { $inc: { v: 1 } } }], $db: 'wire', lsid, txnNumber: Long.fromNumber(2) };
  await command(conn, update);
  await command(conn, update);
  const found = await command(conn, { find: 'retry', filter: {}, $db: 'wire' });
  expect((found.cursor as { firstBatch: Doc[] }).firstBatch[0].v).toBe(2);
  conn.end();
});

it('closes idle cursors after the cursor timeout', async () => {
  const conn = await signedIn();
  await command(conn, { insert: 'idle', documents: Array.from({ length: 10 }, (_, i) => ({ i })), $db: 'wire' });
  const first = await command(conn, { find: 'idle', filter: {}, batchSize: 2, $db: 'wire' });
  const id = (first.cursor as { id: Long }).id;
  expect(String(id)).not.toBe('0');
  await new Promise((r) => setTimeout(r, 800));
  server.server.commands.cursors.sweep();
  const more = await command(conn, { getMore: id, collection: 'idle', $db: 'wire' });
  expect(more).toMatchObject({ ok: 0, code: 43, codeName: 'CursorNotFound' });
  conn.end();
});

describe('authentication', () => {
  const bin = (text: string) => new Binary(Buffer.from(text, 'utf8'));
  const text = (payload: unknown) => Buffer.from((payload as Binary).buffer).toString('utf8');
  const start = (conn: RawConnection, scram: ScramClientConversation, extra: Doc = {}) =>
    command(conn, { saslStart: 1, mechanism: 'SCRAM-SHA-256', payload: bin(scram.first()), $db: 'admin', ...extra });

  it('refuses every command but the handshake ones before a connection has authenticated', async () => {
    const conn = await RawConnection.open(server.port);
    for (const cmd of [{ find: 'people', filter: {} }, { insert: 'people', documents: [{ a: 1 }] }, { listDatabases: 1 }, { endSessions: [] }, { serverStatus: 1 }]) {
      const name = Object.keys(cmd)[0];
      expect(await command(conn, { ...cmd, $db: 'wire' })).toEqual({ ok: 0, code: 13, codeName: 'Unauthorized', errmsg: `Command ${name} requires authentication` });
    }
    for (const cmd of [{ hello: 1 }, { isMaster: 1 }, { ping: 1 }, { buildInfo: 1 }]) expect((await command(conn, { ...cmd, $db: 'admin' })).ok).toBe(1);
    expect(await command(conn, { connectionStatus: 1, $db: 'admin' })).toEqual({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 });
    conn.end();
  });

  it('names SCRAM-SHA-256 in hello for the admin user only', async () => {
    const conn = await RawConnection.open(server.port);
    const asked = await command(conn, { hello: 1, saslSupportedMechs: `admin.${server.credentials.username}`, $db: 'admin' });
    expect(asked.saslSupportedMechs).toEqual(['SCRAM-SHA-256']);
    const stranger = await command(conn, { hello: 1, saslSupportedMechs: 'admin.nobody', $db: 'admin' });
    expect(stranger.saslSupportedMechs).toBeUndefined();
    conn.end();
  });

  it('completes a conversation with the empty last exchange, after which commands run', async () => {
    const conn = await RawConnection.open(server.port);
    const scram = new ScramClientConversation(server.credentials.username, server.credentials.password);
    const first = await start(conn, scram);
    expect(first).toMatchObject({ ok: 1, conversationId: 1, done: false });
    const serverFirst = text(first.payload);
    expect(serverFirst).toMatch(/^r=[^,]+,s=[A-Za-z0-9+/]+=*,i=15000$/);
    const second = await command(conn, { saslContinue: 1, conversationId: 1, payload: bin(scram.final(serverFirst)), $db: 'admin' });
    expect(second).toMatchObject({ ok: 1, conversationId: 1, done: false });
    // The server's signature proves it holds the password's keys.
    scram.verify(text(second.payload));
    // Not signed in until the conversation is done.
    expect((await command(conn, { count: 'people', $db: 'wire' })).code).toBe(13);
    const last = await command(conn, { saslContinue: 1, conversationId: 1, payload: bin(''), $db: 'admin' });
    expect(last).toMatchObject({ ok: 1, conversationId: 1, done: true });
    expect(text(last.payload)).toBe('');
    expect(await command(conn, { count: 'people', $db: 'wire' })).toMatchObject({ ok: 1 });
    expect((await command(conn, { connectionStatus: 1, $db: 'admin' })).authInfo).toEqual({
      authenticatedUsers: [{ user: server.credentials.username, db: 'admin' }],
      authenticatedUserRoles: [{ role: 'root', db: 'admin' }],
    });
    conn.end();
  });

  it('answers base64 text payloads in kind and ends in one step with skipEmptyExchange', async () => {
    const conn = await RawConnection.open(server.port);
    const scram = new ScramClientConversation(server.credentials.username, server.credentials.password);
    const first = await command(conn, { saslStart: 1, mechanism: 'SCRAM-SHA-256', payload: Buffer.from(scram.first()).toString('base64'), options: { skipEmptyExchange: true }, $db: 'admin' });
    expect(typeof first.payload).toBe('string');
    const clientFinal = scram.final(Buffer.from(first.payload as string, 'base64').toString('utf8'));
    const done = await command(conn, { saslContinue: 1, conversationId: 1, payload: Buffer.from(clientFinal).toString('base64'), $db: 'admin' });
    expect(done).toMatchObject({ ok: 1, done: true });
    scram.verify(Buffer.from(done.payload as string, 'base64').toString('utf8'));
    expect(await command(conn, { count: 'people', $db: 'wire' })).toMatchObject({ ok: 1 });
    conn.end();
  });

  it('authenticates inside hello with speculativeAuthenticate, finishing with one saslContinue', async () => {
    const conn = await RawConnection.open(server.port);
    const scram = new ScramClientConversation(server.credentials.username, server.credentials.password);
    const hello = await command(conn, {
      hello: 1,
      speculativeAuthenticate: { saslStart: 1, mechanism: 'SCRAM-SHA-256', payload: bin(scram.first()), options: { skipEmptyExchange: true }, db: 'admin' },
      $db: 'admin',
    });
    expect(hello.isWritablePrimary).toBe(true);
    const speculative = hello.speculativeAuthenticate as Doc;
    expect(speculative).toMatchObject({ conversationId: 1, done: false, ok: 1 });
    const done = await command(conn, { saslContinue: 1, conversationId: 1, payload: bin(scram.final(text(speculative.payload))), $db: 'admin' });
    expect(done).toMatchObject({ ok: 1, done: true });
    scram.verify(text(done.payload));
    expect(await command(conn, { count: 'people', $db: 'wire' })).toMatchObject({ ok: 1 });
    conn.end();
  });

  it('leaves a failed speculative start out of the hello reply', async () => {
    const conn = await RawConnection.open(server.port);
    const scram = new ScramClientConversation('nobody', 'x');
    const hello = await command(conn, { hello: 1, speculativeAuthenticate: { saslStart: 1, mechanism: 'SCRAM-SHA-256', payload: bin(scram.first()), db: 'admin' }, $db: 'admin' });
    expect(hello.ok).toBe(1);
    expect(hello.speculativeAuthenticate).toBeUndefined();
    conn.end();
  });

  it('refuses a wrong password with AuthenticationFailed (18) and keeps the connection signed out', async () => {
    const conn = await RawConnection.open(server.port);
    const scram = new ScramClientConversation(server.credentials.username, `${server.credentials.password}x`);
    const first = await start(conn, scram, { options: { skipEmptyExchange: true } });
    const refused = await command(conn, { saslContinue: 1, conversationId: 1, payload: bin(scram.final(text(first.payload))), $db: 'admin' });
    expect(refused).toEqual({ ok: 0, code: 18, codeName: 'AuthenticationFailed', errmsg: 'Authentication failed.' });
    expect((await command(conn, { find: 'people', $db: 'wire' })).code).toBe(13);
    // The failed conversation is over.
    expect(await command(conn, { saslContinue: 1, conversationId: 1, payload: bin(''), $db: 'admin' })).toMatchObject({ ok: 0, code: 17, codeName: 'ProtocolError', errmsg: 'No SASL session state found' });
    conn.end();
  });

  it('refuses an unknown user, and the right user in another database, at saslStart', async () => {
    const conn = await RawConnection.open(server.port);
    const nobody = await start(conn, new ScramClientConversation('nobody', server.credentials.password));
    expect(nobody).toMatchObject({ ok: 0, code: 18, errmsg: 'Authentication failed.' });
    const elsewhere = await start(conn, new ScramClientConversation(server.credentials.username, server.credentials.password), { $db: 'wire' });
    expect(elsewhere).toMatchObject({ ok: 0, code: 18 });
    conn.end();
  });

  it('refuses a client that changes the nonce or the channel-binding data', async () => {
    for (const tamper of [(m: string) => m.replace(/,r=([^,]+)/, ',r=$1x'), (m: string) => m.replace('c=biws', 'c=eSws')]) {
      const conn = await RawConnection.open(server.port);
      const scram = new ScramClientConversation(server.credentials.username, server.credentials.password);
      const first = await start(conn, scram, { options: { skipEmptyExchange: true } });
      const reply = await command(conn, { saslContinue: 1, conversationId: 1, payload: bin(tamper(scram.final(text(first.payload)))), $db: 'admin' });
      expect(reply).toMatchObject({ ok: 0, code: 18 });
      conn.end();
    }
  });

  it('answers MechanismUnavailable (334) for mechanisms other than SCRAM-SHA-256 and ProtocolError (17) for another conversation id', async () => {
    const conn = await RawConnection.open(server.port);
    expect(await command(conn, { saslStart: 1, mechanism: 'SCRAM-SHA-1', payload: bin('n,,n=root,r=abcdef'), $db: 'admin' })).toEqual({
      ok: 0,
      code: 334,
      codeName: 'MechanismUnavailable',
      errmsg: 'Received authentication for mechanism SCRAM-SHA-1 which is unknown or not enabled',
    });
    const scram = new ScramClientConversation(server.credentials.username, server.credentials.password);
    const first = await start(conn, scram);
    const reply = await command(conn, { saslContinue: 1, conversationId: 2, payload: bin(scram.final(text(first.payload))), $db: 'admin' });
    expect(reply).toMatchObject({ ok: 0, code: 17, codeName: 'ProtocolError', errmsg: 'sasl: Mismatched conversation id' });
    conn.end();
  });

  it('keeps what a connection proved to that connection', async () => {
    const mine = await signedIn();
    const other = await RawConnection.open(server.port);
    expect(await command(mine, { count: 'people', $db: 'wire' })).toMatchObject({ ok: 1 });
    expect((await command(other, { count: 'people', $db: 'wire' })).code).toBe(13);
    mine.end();
    other.end();
  });
});
