/**
 * MongoDB wire protocol framing: the legacy OP_QUERY used for the first handshake, OP_REPLY to
 * answer it, and OP_MSG for everything else. Parsing is strict: anything malformed throws a
 * `WireError`, and the connection that sent it is closed (other connections are unaffected).
 */
import { BSON } from 'bson';
import type { Doc } from '../types';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE = 48_000_000;
export const MAX_WRITE_BATCH_SIZE = 100_000;

const FLAG_CHECKSUM_PRESENT = 1 << 0;
const FLAG_MORE_TO_COME = 1 << 1;
const FLAG_EXHAUST_ALLOWED = 1 << 16;
/** Bits 0-15 are "required": a receiver must refuse a message with a required bit it does not know. */
const KNOWN_REQUIRED_FLAGS = FLAG_CHECKSUM_PRESENT | FLAG_MORE_TO_COME;

/** How command documents are decoded: numbers keep their BSON types (see ../types.ts). */
export const DESERIALIZE_OPTIONS = { promoteValues: false, promoteBuffers: false } as const;

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

export interface MessageHeader {
  messageLength: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

/** A decoded request: the command document plus what is needed to answer it. */
export interface WireRequest {
  header: MessageHeader;
  kind: 'msg' | 'query';
  command: Doc;
  /** OP_MSG moreToCome: the client expects no reply. */
  moreToCome: boolean;
  /** OP_QUERY's full collection name (`admin.$cmd`). */
  fullCollectionName?: string;
}

// ---- CRC-32C (Castagnoli), for the OP_MSG checksum -------------------------------------------
const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** CRC-32C of `buf` (as OP_MSG checksums use). */
export function crc32c(buf: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < buf.length; i++) crc = CRC32C_TABLE[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Reads the 16-byte header; the caller has checked at least 16 bytes are present. */
export function readHeader(buf: Buffer, offset = 0): MessageHeader {
  return {
    messageLength: buf.readInt32LE(offset),
    requestId: buf.readInt32LE(offset + 4),
    responseTo: buf.readInt32LE(offset + 8),
    opCode: buf.readInt32LE(offset + 12),
  };
}

function readCString(buf: Buffer, offset: number, end: number): [string, number] {
  const zero = buf.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new WireError('unterminated cstring');
  return [buf.toString('utf8', offset, zero), zero + 1];
}

function readDocument(buf: Buffer, offset: number, end: number): [Doc, number] {
  if (offset + 5 > end) throw new WireError('truncated BSON document');
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new WireError(`invalid BSON document size ${size}`);
  if (size > MAX_BSON_OBJECT_SIZE + 16 * 1024) throw new WireError('BSON document larger than maxBsonObjectSize');
  let doc: Doc;
  try {
    doc = BSON.deserialize(buf.subarray(offset, offset + size), DESERIALIZE_OPTIONS) as Doc;
  } catch (err) {
    throw new WireError(`invalid BSON: ${(err as Error).message}`);
  }
  return [doc, offset + size];
}

/** Parses one complete message (`buf` holds exactly `header.messageLength` bytes). */
export function parseMessage(buf: Buffer): WireRequest {
  const header = readHeader(buf);
  const end = buf.length;
  if (header.opCode === OP_MSG) {
    if (end < 21) throw new WireError('OP_MSG too short');
    const flags = buf.readUInt32LE(16);
    const unknownRequired = flags & 0xffff & ~KNOWN_REQUIRED_FLAGS;
    if (unknownRequired) throw new WireError(`OP_MSG has unknown required flag bits 0x${unknownRequired.toString(16)}`);
    void FLAG_EXHAUST_ALLOWED; // optional bit: we never send exhaust replies
    let sectionsEnd = end;
    if (flags & FLAG_CHECKSUM_PRESENT) {
      sectionsEnd = end - 4;
      const expected = buf.readUInt32LE(sectionsEnd);
      if (crc32c(buf.subarray(0, sectionsEnd)) !== expected) throw new WireError('OP_MSG checksum mismatch');
    }
    let offset = 20;
    let body: Doc | undefined;
    const sequences: Array<[string, Doc[]]> = [];
    while (offset < sectionsEnd) {
      const kind = buf[offset++];
      if (kind === 0) {
        if (body) throw new WireError('OP_MSG has more than one body section');
        [body, offset] = readDocument(buf, offset, sectionsEnd);
      } else if (kind === 1) {
        if (offset + 4 > sectionsEnd) throw new WireError('truncated document sequence');
        const size = buf.readInt32LE(offset);
        const seqEnd = offset + size;
        if (size < 5 || seqEnd > sectionsEnd) throw new WireError('invalid document sequence size');
        let [identifier, pos] = readCString(buf, offset + 4, seqEnd);
        const docs: Doc[] = [];
        while (pos < seqEnd) {
          let doc: Doc;
          [doc, pos] = readDocument(buf, pos, seqEnd);
          docs.push(doc);
        }
        sequences.push([identifier, docs]);
        offset = seqEnd;
      } else {
        throw new WireError(`unknown OP_MSG section kind ${kind}`);
      }
    }
    if (!body) throw new WireError('OP_MSG without a body section');
    for (const [identifier, docs] of sequences) {
      if (identifier in body) throw new WireError(`document sequence ${identifier} duplicates a body field`);
      body[identifier] = docs;
    }
    return { header, kind: 'msg', command: body, moreToCome: (flags & FLAG_MORE_TO_COME) !== 0 };
  }
  if (header.opCode === OP_QUERY) {
    let offset = 20; // flags at 16
    let fullCollectionName: string;
    [fullCollectionName, offset] = readCString(buf, offset, end);
    offset += 8; // numberToSkip, numberToReturn
    const [query] = readDocument(buf, offset, end);
    // Drivers wrap with $query when they add read preferences.
    const command = (query.$query && typeof query.$query === 'object' ? query.$query : query) as Doc;
    return { header, kind: 'query', command, moreToCome: false, fullCollectionName };
  }
  if (header.opCode === OP_COMPRESSED) throw new WireError('OP_COMPRESSED is not supported (no compressors are advertised)');
  throw new WireError(`unsupported opCode ${header.opCode}`);
}

let nextRequestId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.allocUnsafe(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

/** Encodes a reply to an OP_MSG request. */
export function encodeMsgReply(responseTo: number, doc: Doc): Buffer {
  const body = BSON.serialize(doc);
  const flags = Buffer.alloc(5); // flagBits = 0, section kind 0
  return Buffer.concat([header(16 + 5 + body.length, responseTo, OP_MSG), flags, body]);
}

/** Encodes an OP_REPLY answering a legacy OP_QUERY handshake. */
export function encodeOpReply(responseTo: number, doc: Doc): Buffer {
  const body = BSON.serialize(doc);
  const fixed = Buffer.alloc(20); // responseFlags, cursorID (8), startingFrom, numberReturned
  fixed.writeInt32LE(1, 16);
  return Buffer.concat([header(16 + 20 + body.length, responseTo, OP_REPLY), fixed, body]);
}
