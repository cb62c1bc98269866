/**
 * Uploaded files live in GridFS, bucket `uploads`: `uploads.files` (one document per file,
 * written by the driver when the upload completes) and `uploads.chunks` (the bytes, 255 KiB per
 * chunk). These models map those two collections so ownership can be read and changed with
 * ordinary conditional updates (and sessions); bytes are only ever written and read through
 * `GridFSBucket` streams. See ADR 021.
 */
import { Schema, type Types } from 'mongoose';
import type { UploadContentType, UploadKind } from '../../../../shared/uploads';

/** Who uploaded a file. */
export interface UploaderDoc {
  kind: 'citizen' | 'staff';
  /** User id or staff id. */
  id: string;
}

/** The item a file is attached to, e.g. `{ type: 'letter', id }`. */
export interface UploadOwnerDoc {
  type: string;
  id: string;
}

/** Our fields, in the GridFS file document's `metadata`. */
export interface UploadMetadataDoc {
  /** Sniffed from the bytes; never the client's claim. */
  contentType: UploadContentType;
  kind: UploadKind;
  uploader: UploaderDoc;
  uploadedAt: Date;
  /**
   * Absent until a feature claims the file for one of its items (absent rather than null: the
   * embedded engine cannot `$set` an object over a null, see ADR 021). Query "unattached" as
   * `{ 'metadata.attachedTo': null }`, which matches absent fields.
   */
  attachedTo?: UploadOwnerDoc | null;
  attachedAt?: Date | null;
  /** Position among the files claimed together (attachment order). */
  position: number;
  /** An unattached file is deleted after this (24 h after upload); null once attached. */
  expiresAt: Date | null;
}

export interface UploadFileDoc {
  _id: Types.ObjectId;
  /** Bytes. */
  length: number;
  chunkSize: number;
  /** Set by the driver from the real clock; our own times are in `metadata`. */
  uploadDate: Date;
  /** Cleaned file name with the extension of the sniffed type. */
  filename: string;
  metadata: UploadMetadataDoc;
}

const ownerSchema = new Schema<UploadOwnerDoc>({ type: { type: String, required: true }, id: { type: String, required: true } }, { _id: false });

export const uploadFileSchema = new Schema<UploadFileDoc>(
  {
    length: { type: Number, required: true },
    chunkSize: { type: Number, required: true },
    uploadDate: { type: Date, required: true },
    filename: { type: String, required: true },
    metadata: {
      contentType: { type: String, required: true },
      kind: { type: String, required: true, enum: ['image', 'pdf'] },
      uploader: {
        kind: { type: String, required: true, enum: ['citizen', 'staff'] },
        id: { type: String, required: true },
      },
      uploadedAt: { type: Date, required: true },
      attachedTo: { type: ownerSchema },
      attachedAt: { type: Date },
      position: { type: Number, default: 0 },
      expiresAt: { type: Date, default: null },
    },
  },
  { collection: 'uploads.files', autoIndex: false, versionKey: false },
);
uploadFileSchema.index({ 'metadata.attachedTo.type': 1, 'metadata.attachedTo.id': 1 });
uploadFileSchema.index({ 'metadata.expiresAt': 1 });

/** A GridFS chunk (only deleted through this model; read and written by the bucket). */
export interface UploadChunkDoc {
  _id: Types.ObjectId;
  files_id: Types.ObjectId;
  n: number;
  data: Buffer;
}

export const uploadChunkSchema = new Schema<UploadChunkDoc>(
  {
    files_id: { type: Schema.Types.ObjectId, required: true },
    n: { type: Number, required: true },
    data: { type: Buffer, required: true },
  },
  { collection: 'uploads.chunks', autoIndex: false, versionKey: false },
);
// The index GridFS itself requires (same name and options as the driver creates).
uploadChunkSchema.index({ files_id: 1, n: 1 }, { unique: true });
