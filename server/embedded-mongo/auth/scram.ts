/**
 * SCRAM-SHA-256 (RFC 5802 with RFC 7677's hash), both halves of the conversation, as pure
 * functions over the message strings on `node:crypto` (pbkdf2, HMAC, SHA-256). The server half is
 * what `saslStart` / `saslContinue` run; the client half is for our own raw-wire tools and tests
 * (the driver brings its own).
 *
 * MongoDB's specifics: no channel binding (`n` or `y` only), no mandatory extensions, user names
 * with `=2C` / `=3D` escapes, an optional authzid that must equal the user, 15,000 iterations by
 * default and a 28-byte salt. See ADR 097 for why this is our code and not a library.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** The only mechanism the embedded server offers. */
export const SCRAM_SHA_256 = 'SCRAM-SHA-256';
/** MongoDB's default `scramSHA256IterationCount`. */
const SCRAM_ITERATIONS = 15_000;
/** RFC 5802 §5.1: a client must refuse fewer than 4096 iterations. */
const MIN_ITERATIONS = 4096;
/** MongoDB's salt length for SCRAM-SHA-256 (hash length minus 4). */
const SALT_BYTES = 28;
const KEY_BYTES = 32;

/** What the server keeps of a password: never the password itself, only these. */
export interface ScramSecrets {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** Any failure of a SCRAM conversation; the command layer answers it as `AuthenticationFailed`. */
export class ScramError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScramError';
  }
}

const hmac = (key: Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

/** Printable ASCII: the strings on which SASLprep (RFC 4013) changes nothing and forbids nothing. */
const SASLPREP_IDENTITY = /^[\x20-\x7e]+$/;

/**
 * SASLprep of a password, as the driver applies it for SCRAM-SHA-256. On printable ASCII SASLprep is
 * the identity (no mapping, NFKC leaves it alone, nothing prohibited, no bidirectional text), and
 * the passwords this server generates are such. Anything else is refused rather than prepared by a
 * partial implementation that could disagree with the driver's: the full profile needs Unicode
 * tables that belong in a library (`@mongodb-js/saslprep`, the driver's own), not here.
 */
export function saslPrepPassword(password: string): string {
  if (!SASLPREP_IDENTITY.test(password)) {
    throw new ScramError('only printable ASCII passwords are supported (SASLprep of other characters is not implemented)');
  }
  return password;
}

/** SaltedPassword := Hi(SASLprep(password), salt, i), i.e. PBKDF2 with HMAC-SHA-256. */
function saltPassword(password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(saslPrepPassword(password), salt, iterations, KEY_BYTES, 'sha256');
}

/**
 * The client's salted passwords by (password, salt, iterations), as the driver keeps them: the
 * salt is fixed for a server's lifetime, so only a pool's first connection pays the PBKDF2 rounds.
 */
const clientSaltedCache = new Map<string, Buffer>();

function cachedSaltedPassword(password: string, salt: string, iterations: number): Buffer {
  const key = `${salt}:${iterations}:${password}`;
  let salted = clientSaltedCache.get(key);
  if (!salted) {
    if (clientSaltedCache.size >= 100) clientSaltedCache.clear();
    salted = saltPassword(password, Buffer.from(salt, 'base64'), iterations);
    clientSaltedCache.set(key, salted);
  }
  return salted;
}

/** Derives the server's secrets for a password (a fresh random salt unless one is given). */
export function deriveScramSecrets(password: string, salt: Buffer = randomBytes(SALT_BYTES), iterations = SCRAM_ITERATIONS): ScramSecrets {
  const salted = saltPassword(password, salt, iterations);
  return { salt, iterations, storedKey: sha256(hmac(salted, 'Client Key')), serverKey: hmac(salted, 'Server Key') };
}

/** A user name as written in `n=` (RFC 5802 §5.1: `,` and `=` escaped). */
function encodeName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function decodeName(encoded: string): string {
  if (/=(?!2C|3D)/.test(encoded)) throw new ScramError('malformed user name escape');
  return encoded.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/** The `key=value` attributes of a message, in order. */
function attributes(message: string): Array<[string, string]> {
  return message.split(',').map((part) => {
    if (part.length < 2 || part[1] !== '=') throw new ScramError(`malformed attribute: ${part.slice(0, 20)}`);
    return [part[0], part.slice(2)];
  });
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Nonce characters: printable ASCII except `,` (RFC 5802 §7). */
const NONCE = /^[\x21-\x2b\x2d-\x7e]+$/;

function serverNonce(): string {
  return randomBytes(24).toString('base64');
}

/**
 * The server side of one conversation: `start(client-first)` → server-first, then
 * `finish(client-final)` → server-final (`v=ServerSignature`) once the client's proof checks out.
 * Every failure throws {@link ScramError}; the conversation is then spent.
 */
export class ScramServerConversation {
  private state: 'new' | 'started' | 'finished' = 'new';
  private gs2Header = '';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private secrets: ScramSecrets | null = null;
  /** The authenticated (or, mid-conversation, claimed) user name. */
  username = '';

  constructor(
    private readonly findUser: (username: string) => ScramSecrets | undefined,
    private readonly makeNonce: () => string = serverNonce,
  ) {}

  /** client-first-message → server-first-message. */
  start(clientFirst: string): string {
    if (this.state !== 'new') throw new ScramError('conversation already started');
    this.state = 'finished'; // until it succeeds
    // gs2-header := cbind-flag "," [ "a=" authzid ] ","
    const first = clientFirst.indexOf(',');
    const second = first < 0 ? -1 : clientFirst.indexOf(',', first + 1);
    if (second < 0) throw new ScramError('client-first-message has no GS2 header');
    const flag = clientFirst.slice(0, first);
    if (flag.startsWith('p=')) throw new ScramError('channel binding is not supported');
    if (flag !== 'n' && flag !== 'y') throw new ScramError(`invalid channel-binding flag: ${flag.slice(0, 20)}`);
    const authzid = clientFirst.slice(first + 1, second);
    if (authzid !== '' && !authzid.startsWith('a=')) throw new ScramError('invalid authzid');
    this.gs2Header = clientFirst.slice(0, second + 1);
    this.clientFirstBare = clientFirst.slice(second + 1);
    if (this.clientFirstBare.startsWith('m=')) throw new ScramError('mandatory extensions are not supported');
    const attrs = attributes(this.clientFirstBare);
    if (attrs.length < 2 || attrs[0][0] !== 'n' || attrs[1][0] !== 'r') throw new ScramError('client-first-message needs n= and r=');
    const username = decodeName(attrs[0][1]);
    if (username === '') throw new ScramError('empty user name');
    if (authzid !== '' && decodeName(authzid.slice(2)) !== username) throw new ScramError('authzid differs from the user name');
    const clientNonce = attrs[1][1];
    if (!NONCE.test(clientNonce)) throw new ScramError('invalid client nonce');
    this.username = username;
    this.secrets = this.findUser(username) ?? null;
    if (!this.secrets) throw new ScramError(`no such user: ${username}`);
    this.nonce = clientNonce + this.makeNonce();
    this.serverFirst = `r=${this.nonce},s=${this.secrets.salt.toString('base64')},i=${this.secrets.iterations}`;
    this.state = 'started';
    return this.serverFirst;
  }

  /** client-final-message → server-final-message; throws unless the proof is right. */
  finish(clientFinal: string): string {
    if (this.state !== 'started' || !this.secrets) throw new ScramError('conversation not started');
    this.state = 'finished';
    const cut = clientFinal.lastIndexOf(',p=');
    if (cut < 0) throw new ScramError('client-final-message has no proof');
    const withoutProof = clientFinal.slice(0, cut);
    const proofText = clientFinal.slice(cut + 3);
    const attrs = attributes(withoutProof);
    if (attrs.length < 2 || attrs[0][0] !== 'c' || attrs[1][0] !== 'r') throw new ScramError('client-final-message needs c= and r=');
    // Without channel binding, c= carries the GS2 header the client started with (RFC 5802 §7).
    if (attrs[0][1] !== Buffer.from(this.gs2Header, 'utf8').toString('base64')) throw new ScramError('channel-binding data differs from the GS2 header');
    if (attrs[1][1] !== this.nonce) throw new ScramError('nonce differs from the one the server sent');
    if (!BASE64.test(proofText)) throw new ScramError('proof is not base64');
    const proof = Buffer.from(proofText, 'base64');
    if (proof.length !== KEY_BYTES) throw new ScramError('proof has the wrong length');
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    // ClientKey := ClientProof XOR HMAC(StoredKey, AuthMessage); H(ClientKey) must be StoredKey.
    const clientKey = xor(proof, hmac(this.secrets.storedKey, authMessage));
    if (!timingSafeEqual(sha256(clientKey), this.secrets.storedKey)) throw new ScramError('wrong password (stored key mismatch)');
    return `v=${hmac(this.secrets.serverKey, authMessage).toString('base64')}`;
  }
}

/**
 * The client side, for raw-wire tools: `first()` → client-first, `final(server-first)` →
 * client-final, `verify(server-final)` checks the server's signature (so a client also knows it
 * talked to a server that holds the password's keys).
 */
export class ScramClientConversation {
  private readonly clientFirstBare: string;
  private expectedServerSignature: Buffer | null = null;

  constructor(
    username: string,
    private readonly password: string,
    private readonly clientNonce: string = randomBytes(24).toString('base64'),
  ) {
    this.clientFirstBare = `n=${encodeName(username)},r=${clientNonce}`;
  }

  first(): string {
    return `n,,${this.clientFirstBare}`;
  }

  final(serverFirst: string): string {
    const attrs = new Map(attributes(serverFirst));
    const nonce = attrs.get('r') ?? '';
    const salt = attrs.get('s') ?? '';
    const iterations = Number(attrs.get('i'));
    if (!nonce.startsWith(this.clientNonce) || nonce.length <= this.clientNonce.length) throw new ScramError('server nonce does not extend the client nonce');
    if (!BASE64.test(salt) || salt === '') throw new ScramError('invalid salt');
    if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS) throw new ScramError(`iteration count too low: ${attrs.get('i')}`);
    const salted = cachedSaltedPassword(this.password, salt, iterations);
    const clientKey = hmac(salted, 'Client Key');
    const withoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const proof = xor(clientKey, hmac(sha256(clientKey), authMessage));
    this.expectedServerSignature = hmac(hmac(salted, 'Server Key'), authMessage);
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  verify(serverFinal: string): void {
    if (!this.expectedServerSignature) throw new ScramError('final() was not called');
    const attrs = new Map(attributes(serverFinal));
    if (attrs.has('e')) throw new ScramError(`server refused: ${attrs.get('e')}`);
    const signature = Buffer.from(attrs.get('v') ?? '', 'base64');
    if (signature.length !== this.expectedServerSignature.length || !timingSafeEqual(signature, this.expectedServerSignature)) {
      throw new ScramError('server signature does not match: the server does not know this password');
    }
  }
}
