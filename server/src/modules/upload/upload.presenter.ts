/** Uploaded files as the API shows them; features use {@link presentUpload} for their attachments. */
import type { UploadView } from '../../../../shared/uploads';
import { visibleFilename } from './upload.filename';
import type { UploadInfo } from './upload.service';

/** The download path of an upload. */
export function uploadUrl(id: string): string {
  return `/api/uploads/${id}`;
}

export function presentUpload(info: UploadInfo): UploadView {
  return { id: info.id, contentType: info.contentType, kind: info.kind, size: info.size, filename: info.filename, url: uploadUrl(info.id) };
}

/**
 * `Content-Disposition` for showing the file inline under its stored name (RFC 6266 / 5987),
 * without control or invisible formatting characters (a bidi override would make the browser's
 * download bar show another extension).
 */
export function inlineDisposition(stored: string): string {
  const filename = visibleFilename(stored);
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
