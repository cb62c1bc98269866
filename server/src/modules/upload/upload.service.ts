/**
 * Uploads: images and PDFs stored in GridFS, owned by their uploader until a feature attaches
 * them to one of its items, readable by whoever that feature says may read the item.
 *
 * - Receiving streams the multipart body straight into a GridFS upload stream (the file is
 *   never held in memory whole); the type is decided from the first bytes (lib/file-type.ts),
 *   never from the name or the declared type, and the size is counted as the bytes arrive.
 * - Attaching (`claimForAttachment`) checks every id, then marks each file attached with a
 *   conditional update, all in one transaction (the caller's when it passes a session).
 * - Reading: the uploader while unattached; afterwards the owner type's access resolver
 *   (`registerAccess`). Anyone else gets 404, so ids do not reveal that a file exists. Staff
 *   reads of attachments of personal cases are audited.
 * - Unattached files expire 24 h after upload; a background task deletes them.
 * See ADR 021.
 */
import type { Readable } from 'node:stream';
import { isValidObjectId, mongo, Types, type ClientSession } from 'mongoose';
import type { UploadContentType, UploadKind } from '../../../../shared/uploads';
import { UPLOAD_FILE_FIELD } from '../../../../shared/uploads';
import type { Actor, CitizenActor, StaffActor } from '../../lib/actor';
import { AppError, notFound, payloadTooLarge, validationError } from '../../lib/errors';
import { sniffFileType } from '../../lib/file-type';
import { MultipartError, readMultipart, type MultipartPart } from '../../lib/multipart';
import type { StreamedBody } from '../../lib/route';
import type { ServiceDeps } from '../../services';
import { cleanFilename, visibleFilename } from './upload.filename';
import type { UploadFileDoc, UploadOwnerDoc, UploaderDoc } from './upload.model';

/** An uploaded file as features see it. */
export interface UploadInfo {
  id: string;
  contentType: UploadContentType;
  kind: UploadKind;
  size: number;
  filename: string;
  uploadedAt: Date;
}

/** The item files are attached to. */
export interface UploadOwner {
  type: string;
  id: string;
}

/** Decides whether `actor` may read the attachments of the item `ownerId` (of the registered type). */
export type UploadAccessResolver = (actor: Actor, ownerId: string) => Promise<boolean>;

/** Options of {@link UploadService.registerAccess}. */
export interface UploadAccessOptions {
  /**
   * The items hold citizens' personal cases (letters, applications): staff reads of their
   * attachments are audited as personal-data reads. Default true; pass false for public
   * material such as published policies.
   */
  personalData?: boolean;
}

/** Options of {@link UploadService.claimForAttachment}. */
export interface ClaimOptions {
  /** Claim within the caller's transaction (all or nothing together with the caller's writes). */
  session?: ClientSession;
  /** Accept only these kinds. Default: images and PDFs. */
  kinds?: readonly UploadKind[];
}

/** A file opened for download. */
export interface UploadDownload {
  info: UploadInfo;
  stream: Readable;
}

export interface UploadService {
  /**
   * Stores the file of a `multipart/form-data` body (one field named `file`).
   * @throws unsupported_media_type (not multipart), validation_error (no file, two files,
   *   malformed body), unsupported_file_type (not JPEG/PNG/GIF/WebP/PDF by content),
   *   payload_too_large (over UPLOAD_MAX_BYTES)
   */
  receiveUpload(actor: CitizenActor | StaffActor, body: StreamedBody): Promise<UploadInfo>;
  /** Opens a file for `actor`. @throws not_found when it does not exist or `actor` may not read it */
  openDownload(actor: Actor, id: string): Promise<UploadDownload>;
  /**
   * Attaches uploads of `actor` to `owner`. Every id must exist, have been uploaded by `actor`,
   * not be attached to another item (already attached to `owner` is fine: retries are
   * idempotent) and be of an allowed kind; otherwise nothing is attached.
   * @throws invalid_attachment with `details: [{ id, reason }]`
   */
  claimForAttachment(actor: Actor, ids: readonly string[], owner: UploadOwner, options?: ClaimOptions): Promise<UploadInfo[]>;
  /**
   * Registers who may read attachments of items of `ownerType` (e.g. the letter's writer and the
   * staff handling it). May be called from a service factory's body.
   */
  registerAccess(ownerType: string, resolver: UploadAccessResolver, options?: UploadAccessOptions): void;
  /** The files attached to `owner`, in attachment order (for presenters). */
  listForOwner(owner: UploadOwner, options?: { session?: ClientSession }): Promise<UploadInfo[]>;
  /**
   * Detaches files from `owner` (all, or those in `ids`): they return to their uploader and expire
   * 24 h later unless claimed again. Returns how many were detached.
   */
  releaseAttachments(owner: UploadOwner, ids?: readonly string[], options?: { session?: ClientSession }): Promise<number>;
  /** Deletes expired unattached files (document and chunks); returns how many. */
  deleteExpired(): Promise<number>;
}

/** How long an unattached upload is kept. */
export const UNATTACHED_UPLOAD_TTL_MS = 24 * 3600_000;
/** GridFS bucket name. */
export const UPLOAD_BUCKET = 'uploads';
/** Bytes needed to recognise every accepted type (WebP: 12). */
const SNIFF_BYTES = 16;

function kindOf(contentType: UploadContentType): UploadKind {
  return contentType === 'application/pdf' ? 'pdf' : 'image';
}

function uploaderOf(actor: Actor): UploaderDoc | null {
  if (actor.kind === 'citizen') return { kind: 'citizen', id: actor.userId };
  if (actor.kind === 'staff') return { kind: 'staff', id: actor.staffId };
  return null;
}

function isUploader(actor: Actor, doc: UploadFileDoc): boolean {
  const me = uploaderOf(actor);
  return me !== null && me.kind === doc.metadata.uploader.kind && me.id === doc.metadata.uploader.id;
}

function sameOwner(a: UploadOwnerDoc | null | undefined, b: UploadOwner): boolean {
  return !!a && a.type === b.type && a.id === b.id;
}

export function toUploadInfo(doc: UploadFileDoc): UploadInfo {
  return {
    id: doc._id.toHexString(),
    contentType: doc.metadata.contentType,
    kind: doc.metadata.kind,
    size: doc.length,
    // Names stored before invisible characters were removed on upload are cleaned on the way out.
    filename: visibleFilename(doc.filename),
    uploadedAt: doc.metadata.uploadedAt,
  };
}

/**
 * Limits of an upload form besides the file size: `Taro.uploadFile` sends the file and a few
 * `formData` fields; a second file is reported as such, more than that is a malformed form.
 */
const UPLOAD_FORM_LIMITS = { maxParts: 10, maxFields: 9, maxFieldBytes: 16 * 1024, maxFiles: 2 } as const;

export function createUploadService({ models, config, clock, logger, db, services }: ServiceDeps): UploadService {
  const log = logger.child({ component: 'uploads' });
  const resolvers = new Map<string, { resolver: UploadAccessResolver; personalData: boolean }>();
  const warnedOwnerTypes = new Set<string>();
  let bucket: mongo.GridFSBucket | undefined;
  const gridfs = () => {
    if (!bucket) {
      const database = db.connection.db;
      if (!database) throw new Error('uploads: the database connection is not open');
      bucket = new mongo.GridFSBucket(database, { bucketName: UPLOAD_BUCKET });
    }
    return bucket;
  };
  const maxBytes = config.limits.uploadMaxBytes;

  /** Writes the file part of a multipart form into GridFS; see receiveUpload. */
  const store = async (actor: CitizenActor | StaffActor, parts: AsyncGenerator<MultipartPart>, stream: Readable): Promise<UploadInfo> => {
    const uploader = uploaderOf(actor)!;
    let upload: mongo.GridFSBucketWriteStream | null = null;
    let uploadError: unknown = null;
    let finished = false;
    let info: UploadInfo | null = null;
    let fileParts = 0;
    let size = 0;

    const write = (chunk: Buffer) =>
      new Promise<void>((resolve, reject) => {
        // The callback fires once GridFS has taken the chunk (after its insert when a GridFS
        // chunk filled up): waiting for it is the backpressure towards the client.
        upload!.write(chunk, (err) => (err ? reject(err) : resolve()));
      });

    /** Sniffs the buffered first bytes and opens the GridFS stream. */
    const open = async (first: Buffer, clientName: string | null) => {
      const sniffed = sniffFileType(first);
      if (!sniffed) throw new AppError('unsupported_file_type');
      const now = new Date(clock());
      const id = new Types.ObjectId();
      const filename = cleanFilename(clientName, sniffed.ext);
      upload = gridfs().openUploadStream(filename, {
        id,
        metadata: {
          contentType: sniffed.mime,
          kind: kindOf(sniffed.mime),
          uploader,
          uploadedAt: now,
          position: 0,
          expiresAt: new Date(now.getTime() + UNATTACHED_UPLOAD_TTL_MS),
        },
      });
      // Errors also reach the write/end callbacks; without a listener an 'error' event would crash the process.
      upload.on('error', (err) => {
        uploadError = err;
      });
      info = { id: id.toHexString(), contentType: sniffed.mime, kind: kindOf(sniffed.mime), size: 0, filename, uploadedAt: now };
      if (first.length > 0) await write(first);
    };

    try {
      for await (const part of parts) {
        // Other form fields (Taro's formData) and files sent under other names are ignored.
        if (part.kind !== 'file' || part.name !== UPLOAD_FILE_FIELD) continue;
        fileParts += 1;
        if (fileParts > 1) throw validationError([{ in: 'body', path: UPLOAD_FILE_FIELD, message: '一次只能上传一个文件' }]);
        let head: Buffer[] = [];
        let headBytes = 0;
        // The parser stops the file at UPLOAD_MAX_BYTES (file_too_large below).
        for await (const chunk of part.content) {
          size += chunk.length;
          if (upload) {
            await write(chunk);
          } else {
            head.push(chunk);
            headBytes += chunk.length;
            if (headBytes >= SNIFF_BYTES) {
              await open(Buffer.concat(head), part.filename);
              head = [];
            }
          }
        }
        if (!upload) await open(Buffer.concat(head), part.filename);
      }
      if (!upload || !info) throw validationError([{ in: 'body', path: UPLOAD_FILE_FIELD, message: '请选择要上传的文件' }]);
      const gridStream: mongo.GridFSBucketWriteStream = upload;
      await new Promise<void>((resolve, reject) => {
        gridStream.end((err?: Error | null) => (err ? reject(err) : resolve()));
      });
      if (uploadError) throw uploadError;
      finished = true;
      const done: UploadInfo = info;
      return { ...done, size };
    } catch (err) {
      if (upload && !finished) {
        const open: mongo.GridFSBucketWriteStream = upload;
        // Deletes the chunks written so far; the file document is only written at the end.
        await open.abort().catch((abortErr: unknown) => log.warn({ err: abortErr }, 'could not remove the chunks of an aborted upload'));
      }
      if (err instanceof MultipartError) {
        if (err.reason === 'file_too_large') throw payloadTooLarge(maxBytes);
        if (err.reason === 'body_too_large') throw payloadTooLarge(config.limits.uploadBodyBytes);
        // Malformed or cut short, or too many parts, fields or files.
        throw validationError([{ in: 'body', path: UPLOAD_FILE_FIELD, message: '上传内容格式错误，请重新上传' }]);
      }
      // The client went away mid-upload: nobody reads the answer, but it is not a server error.
      const code = (err as { code?: unknown } | null)?.code;
      if (!(err instanceof AppError) && (code === 'ECONNRESET' || code === 'ECONNABORTED' || stream.destroyed)) {
        throw validationError([{ in: 'body', path: UPLOAD_FILE_FIELD, message: '上传中断，请重新上传' }]);
      }
      throw err;
    }
  };

  const mayRead = async (actor: Actor, doc: UploadFileDoc): Promise<{ allowed: boolean; audit: boolean }> => {
    const owner = doc.metadata.attachedTo;
    if (!owner) return { allowed: isUploader(actor, doc), audit: false };
    const registered = resolvers.get(owner.type);
    if (!registered) {
      if (!warnedOwnerTypes.has(owner.type)) {
        warnedOwnerTypes.add(owner.type);
        log.warn({ ownerType: owner.type }, 'no access resolver registered for this attachment owner type: its files are readable by nobody');
      }
      return { allowed: false, audit: false };
    }
    const allowed = await registered.resolver(actor, owner.id);
    return { allowed, audit: allowed && actor.kind === 'staff' && registered.personalData };
  };

  return {
    async receiveUpload(actor, body) {
      let parts: AsyncGenerator<MultipartPart>;
      try {
        parts = readMultipart(body.stream, body.contentType, {
          ...UPLOAD_FORM_LIMITS,
          maxFileBytes: maxBytes,
          maxBodyBytes: config.limits.uploadBodyBytes,
        });
      } catch (err) {
        // Not multipart/form-data, or without a boundary.
        if (err instanceof MultipartError) throw new AppError('unsupported_media_type', { details: { expected: 'multipart/form-data' } });
        throw err;
      }
      // Refuse at once what announces itself too large (nothing is read yet); chunked bodies are counted as they arrive.
      if (body.contentLength !== null && body.contentLength > config.limits.uploadBodyBytes) throw payloadTooLarge(maxBytes);
      const info = await store(actor, parts, body.stream);
      log.info({ uploadId: info.id, contentType: info.contentType, size: info.size, uploader: actor.kind }, 'file uploaded');
      return info;
    },

    async openDownload(actor, id) {
      if (!isValidObjectId(id)) throw notFound();
      const doc = await models.UploadFile.findById(id).lean<UploadFileDoc>();
      if (!doc) throw notFound();
      const access = await mayRead(actor, doc);
      if (!access.allowed) throw notFound();
      if (access.audit) {
        await services.audit.recordAudit({
          actor,
          action: 'upload.read_attachment',
          targetType: 'upload',
          targetId: doc._id,
          details: { ownerType: doc.metadata.attachedTo!.type, ownerId: doc.metadata.attachedTo!.id },
        });
      }
      return { info: toUploadInfo(doc), stream: gridfs().openDownloadStream(doc._id) };
    },

    async claimForAttachment(actor, ids, owner, options = {}) {
      const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
      if (unique.length === 0) return [];
      const kinds = options.kinds ?? (['image', 'pdf'] as const);
      const run = async (session: ClientSession): Promise<UploadInfo[]> => {
        const valid = unique.filter((id) => /^[0-9a-f]{24}$/i.test(id));
        const docs = await models.UploadFile.find({ _id: { $in: valid.map((id) => new Types.ObjectId(id)) } })
          .session(session)
          .lean<UploadFileDoc[]>();
        const byId = new Map(docs.map((d) => [d._id.toHexString(), d]));
        const problems: { id: string; reason: 'not_found' | 'attached_elsewhere' | 'kind_not_allowed' }[] = [];
        for (const id of unique) {
          const doc = byId.get(id);
          // Someone else's upload is reported exactly like a missing one.
          if (!doc || !isUploader(actor, doc)) problems.push({ id, reason: 'not_found' });
          else if (doc.metadata.attachedTo && !sameOwner(doc.metadata.attachedTo, owner)) problems.push({ id, reason: 'attached_elsewhere' });
          else if (!kinds.includes(doc.metadata.kind)) problems.push({ id, reason: 'kind_not_allowed' });
        }
        if (problems.length > 0) throw new AppError('invalid_attachment', { details: problems });
        const now = new Date(clock());
        for (const [position, id] of unique.entries()) {
          const doc = byId.get(id)!;
          if (sameOwner(doc.metadata.attachedTo, owner)) continue;
          // Conditional: a concurrent claim (or the expiry sweep) that got there first wins.
          const res = await models.UploadFile.updateOne(
            { _id: doc._id, 'metadata.attachedTo': null },
            {
              $set: {
                'metadata.attachedTo': { type: owner.type, id: owner.id },
                'metadata.attachedAt': now,
                'metadata.position': position,
                'metadata.expiresAt': null,
              },
            },
            { session },
          );
          if (res.matchedCount === 0) throw new AppError('invalid_attachment', { details: [{ id, reason: 'attached_elsewhere' }] });
        }
        return unique.map((id) => ({ ...toUploadInfo(byId.get(id)!) }));
      };
      if (options.session) return run(options.session);
      return db.connection.transaction(run);
    },

    registerAccess(ownerType, resolver, options = {}) {
      if (resolvers.has(ownerType)) throw new Error(`uploads: an access resolver for "${ownerType}" is already registered`);
      resolvers.set(ownerType, { resolver, personalData: options.personalData ?? true });
    },

    async listForOwner(owner, options = {}) {
      const query = models.UploadFile.find({ 'metadata.attachedTo.type': owner.type, 'metadata.attachedTo.id': owner.id }).sort({
        'metadata.attachedAt': 1,
        'metadata.position': 1,
        _id: 1,
      });
      if (options.session) query.session(options.session);
      return (await query.lean<UploadFileDoc[]>()).map(toUploadInfo);
    },

    async releaseAttachments(owner, ids, options = {}) {
      const filter: Record<string, unknown> = { 'metadata.attachedTo.type': owner.type, 'metadata.attachedTo.id': owner.id };
      if (ids) filter._id = { $in: ids.filter((id) => /^[0-9a-f]{24}$/i.test(id)).map((id) => new Types.ObjectId(id)) };
      const res = await models.UploadFile.updateMany(
        filter,
        {
          // Unset rather than null: see the model.
          $unset: { 'metadata.attachedTo': '', 'metadata.attachedAt': '' },
          $set: { 'metadata.expiresAt': new Date(clock() + UNATTACHED_UPLOAD_TTL_MS) },
        },
        options.session ? { session: options.session } : {},
      );
      return res.modifiedCount;
    },

    async deleteExpired() {
      const now = new Date(clock());
      const expired = { 'metadata.attachedTo': null, 'metadata.expiresAt': { $lte: now } };
      let deleted = 0;
      for (;;) {
        const batch = await models.UploadFile.find(expired, { _id: 1 }).limit(100).lean<Pick<UploadFileDoc, '_id'>[]>();
        if (batch.length === 0) break;
        for (const { _id } of batch) {
          // The file document goes first, with the same condition: a claim that won the race
          // keeps its file, and a file without its document can no longer be read or claimed.
          const res = await models.UploadFile.deleteOne({ _id, ...expired });
          if (res.deletedCount === 0) continue;
          await models.UploadChunk.deleteMany({ files_id: _id });
          deleted += 1;
        }
      }
      if (deleted > 0) log.info({ deleted }, 'deleted expired unattached uploads');
      return deleted;
    },
  };
}
