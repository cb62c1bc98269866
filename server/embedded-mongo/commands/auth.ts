/**
 * Authentication as mongod runs it with access control on and one user (`root` in `admin`):
 *
 * - Before a connection has authenticated, only the commands MongoDB marks as not requiring
 *   authentication run (hello/isMaster, buildInfo, ping, saslStart, saslContinue,
 *   connectionStatus); any other gets `Unauthorized` (13) "Command <name> requires authentication".
 * - `saslStart` / `saslContinue` carry a SCRAM-SHA-256 conversation (auth/scram.ts) with
 *   `conversationId: 1` and the payload as BinData (or base64 text, answered in kind). With
 *   `options.skipEmptyExchange` the server's signature comes with `done: true`; without it the
 *   client sends one more, empty, `saslContinue`.
 * - `hello` answers `saslSupportedMechs: ["SCRAM-SHA-256"]` when asked for `admin.root`, and runs a
 *   `speculativeAuthenticate` saslStart inside the handshake (the driver's way of saving a round
 *   trip); a speculative start that fails is left out of the reply, as MongoDB does.
 * - Every failure is `AuthenticationFailed` (18) "Authentication failed." (the reason goes to the
 *   log, never to the client), except `MechanismUnavailable` (334) for a mechanism other than
 *   SCRAM-SHA-256 and `ProtocolError` (17) for a saslContinue without a conversation or with
 *   another conversation id.
 *
 * The user holds every privilege (MongoDB's `root`): there are no roles to check once signed in.
 */
import { Binary } from 'bson';
import { AUTH_DATABASE, type EmbeddedCredentials } from '../auth/credentials';
import { deriveScramSecrets, SCRAM_SHA_256, ScramError, ScramServerConversation, type ScramSecrets } from '../auth/scram';
import { MongoCommandError } from '../errors';
import { asNumber } from '../protocol/values';
import type { JournalLogger } from '../store/journal';
import type { Doc } from '../types';

/** A conversation between saslStart and its last saslContinue. */
interface Conversation {
  scram: ScramServerConversation;
  skipEmptyExchange: boolean;
  /** The proof checked out; waiting for the client's empty last message (no skipEmptyExchange). */
  awaitingEmptyExchange: boolean;
  /** The client sent its payload as base64 text, so replies are text too. */
  textPayload: boolean;
}

/** What one connection has proved. */
export interface ConnectionAuth {
  /** The authenticated user, or null. */
  user: string | null;
  conversation: Conversation | null;
}

export function newConnectionAuth(): ConnectionAuth {
  return { user: null, conversation: null };
}

/** Commands MongoDB runs without authentication (`requiresAuth() == false`), among ours. */
const OPEN_COMMANDS = new Set(['hello', 'isMaster', 'ismaster', 'buildInfo', 'buildinfo', 'ping', 'saslStart', 'saslContinue', 'connectionStatus']);

const CONVERSATION_ID = 1;

function authenticationFailed(): MongoCommandError {
  return new MongoCommandError('AuthenticationFailed', 'Authentication failed.');
}

function isDoc(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v as { _bsontype?: string })._bsontype;
}

/** The payload of a sasl command as text, and whether it came as base64 text. */
function readPayload(payload: unknown): { text: string; textPayload: boolean } {
  if (payload instanceof Binary) return { text: Buffer.from(payload.buffer.subarray(0, payload.position)).toString('utf8'), textPayload: false };
  if (typeof payload === 'string') return { text: Buffer.from(payload, 'base64').toString('utf8'), textPayload: true };
  throw new ScramError('payload must be BinData or a base64 string');
}

function saslReply(text: string, done: boolean, textPayload: boolean): Doc {
  const bytes = Buffer.from(text, 'utf8');
  return { conversationId: CONVERSATION_ID, done, payload: textPayload ? bytes.toString('base64') : new Binary(bytes), ok: 1 };
}

/** Checks and runs authentication for every connection of one server. */
export class Authenticator {
  private readonly secrets: ScramSecrets;

  constructor(
    private readonly credentials: EmbeddedCredentials,
    private readonly logger?: JournalLogger,
  ) {
    // Derived once per start (15,000 PBKDF2 rounds); each conversation then costs a few HMACs.
    this.secrets = deriveScramSecrets(credentials.password);
  }

  /** Refuses a command a connection may not run yet. */
  check(name: string, auth: ConnectionAuth): void {
    if (auth.user === null && !OPEN_COMMANDS.has(name)) {
      throw new MongoCommandError('Unauthorized', `Command ${name} requires authentication`);
    }
  }

  /** The authentication fields of a hello reply: `saslSupportedMechs`, `speculativeAuthenticate`. */
  handshakeFields(cmd: Doc, auth: ConnectionAuth, remoteAddress: string): Doc {
    const out: Doc = {};
    if (cmd.saslSupportedMechs === `${AUTH_DATABASE}.${this.credentials.username}`) out.saslSupportedMechs = [SCRAM_SHA_256];
    const speculative = cmd.speculativeAuthenticate;
    if (isDoc(speculative) && typeof speculative.db === 'string') {
      try {
        out.speculativeAuthenticate = this.start(speculative.db, speculative, auth);
      } catch (err) {
        auth.conversation = null;
        this.logFailure(err, remoteAddress, 'speculative saslStart');
      }
    }
    return out;
  }

  saslStart(db: string, cmd: Doc, auth: ConnectionAuth, remoteAddress: string): Doc {
    try {
      return this.start(db, cmd, auth);
    } catch (err) {
      auth.conversation = null;
      if (err instanceof MongoCommandError && err.codeName === 'MechanismUnavailable') throw err;
      this.logFailure(err, remoteAddress, 'saslStart');
      throw authenticationFailed();
    }
  }

  saslContinue(cmd: Doc, auth: ConnectionAuth, remoteAddress: string): Doc {
    const conversation = auth.conversation;
    if (!conversation) throw new MongoCommandError('ProtocolError', 'No SASL session state found');
    // Whatever happens next ends this conversation unless it asks for one more message.
    auth.conversation = null;
    if (asNumber(cmd.conversationId, 'conversationId') !== CONVERSATION_ID) throw new MongoCommandError('ProtocolError', 'sasl: Mismatched conversation id');
    try {
      const { text } = readPayload(cmd.payload);
      if (conversation.awaitingEmptyExchange) {
        auth.user = conversation.scram.username;
        return saslReply('', true, conversation.textPayload);
      }
      const serverFinal = conversation.scram.finish(text);
      if (conversation.skipEmptyExchange) {
        auth.user = conversation.scram.username;
        return saslReply(serverFinal, true, conversation.textPayload);
      }
      auth.conversation = { ...conversation, awaitingEmptyExchange: true };
      return saslReply(serverFinal, false, conversation.textPayload);
    } catch (err) {
      this.logFailure(err, remoteAddress, 'saslContinue', conversation.scram.username);
      throw authenticationFailed();
    }
  }

  /** `connectionStatus`: who this connection is. */
  connectionStatus(auth: ConnectionAuth): Doc {
    const signedIn = auth.user !== null;
    return {
      authInfo: {
        authenticatedUsers: signedIn ? [{ user: auth.user, db: AUTH_DATABASE }] : [],
        authenticatedUserRoles: signedIn ? [{ role: 'root', db: AUTH_DATABASE }] : [],
      },
      ok: 1,
    };
  }

  /** Opens a conversation (saslStart, or the one inside hello) and answers its first step. */
  private start(db: string, cmd: Doc, auth: ConnectionAuth): Doc {
    // A new start abandons any earlier conversation on the connection.
    auth.conversation = null;
    if (cmd.mechanism !== SCRAM_SHA_256) {
      throw new MongoCommandError('MechanismUnavailable', `Received authentication for mechanism ${String(cmd.mechanism)} which is unknown or not enabled`);
    }
    const options = cmd.options === undefined ? {} : cmd.options;
    if (!isDoc(options)) throw new ScramError('options must be a document');
    const skip = options.skipEmptyExchange;
    if (skip !== undefined && typeof skip !== 'boolean') throw new ScramError('skipEmptyExchange must be boolean');
    const { text, textPayload } = readPayload(cmd.payload);
    // The one user is defined in admin; the same name in another database is nobody.
    const scram = new ScramServerConversation((username) => (db === AUTH_DATABASE && username === this.credentials.username ? this.secrets : undefined));
    const serverFirst = scram.start(text);
    auth.conversation = { scram, skipEmptyExchange: skip === true, awaitingEmptyExchange: false, textPayload };
    return saslReply(serverFirst, false, textPayload);
  }

  private logFailure(err: unknown, remoteAddress: string, step: string, user?: string): void {
    const reason = err instanceof Error ? err.message : String(err);
    this.logger?.warn(`embedded mongo: authentication failed (${step}${user ? `, user "${user}"` : ''}) from ${remoteAddress}: ${reason}`);
  }
}
