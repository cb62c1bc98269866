/**
 * Uploaded files (images and PDFs) and how features show them as attachments. Files are sent as
 * `multipart/form-data` with one field named `file` (what `Taro.uploadFile` sends) to
 * `POST /api/uploads`, then attached to an item by sending their ids with it.
 */
import { z } from 'zod';

/** The multipart field holding the file. */
export const UPLOAD_FILE_FIELD = 'file';

/** Accepted content types (decided from the file's bytes, never its name). */
export const UPLOAD_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf'] as const;
export type UploadContentType = (typeof UPLOAD_CONTENT_TYPES)[number];

export const UPLOAD_KINDS = ['image', 'pdf'] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

/** Default size limit (the server's `UPLOAD_MAX_BYTES`), for the mini-program's pre-check. */
export const UPLOAD_DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

/** An uploaded file; `url` is where it is downloaded (`GET /api/uploads/:id`). */
export const UploadViewSchema = z.object({
  id: z.string(),
  contentType: z.enum(UPLOAD_CONTENT_TYPES),
  kind: z.enum(UPLOAD_KINDS),
  size: z.number().int().min(0),
  filename: z.string(),
  url: z.string(),
});
export type UploadView = z.infer<typeof UploadViewSchema>;
