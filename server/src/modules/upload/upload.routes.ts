/** File uploads (images and PDFs) and downloads. */
import { z } from 'zod';
import { UPLOAD_CONTENT_TYPES, UPLOAD_FILE_FIELD, UploadViewSchema } from '../../../../shared/uploads';
import { ObjectIdStringSchema } from '../../../../shared/text';
import { binaryResponse, defineRoute, defineRouteModule } from '../../lib/route';
import { inlineDisposition, presentUpload } from './upload.presenter';

const IdParams = z.object({ id: ObjectIdStringSchema });

export const uploadRoutes = defineRouteModule({
  tag: 'uploads',
  description: 'Uploaded files (images and PDFs) and their downloads',
  routes: [
    defineRoute({
      method: 'post',
      path: '/api/uploads',
      summary: 'Upload an image or a PDF',
      description:
        '`multipart/form-data` with one field `file` (what `Taro.uploadFile` sends; other fields are ignored). The ' +
        'type is detected from the content (JPEG, PNG, GIF, WebP, PDF), never from the name or the declared type, ' +
        'and the stored name gets the matching extension. Size limit: UPLOAD_MAX_BYTES (413 beyond). The file ' +
        'belongs to its uploader until a feature attaches it to an item; unattached files are deleted after 24 hours.',
      auth: 'signedIn',
      streamedBody: {
        content: {
          'multipart/form-data': {
            type: 'object',
            properties: { [UPLOAD_FILE_FIELD]: { type: 'string', format: 'binary' } },
            required: [UPLOAD_FILE_FIELD],
          },
        },
      },
      response: UploadViewSchema,
      status: 201,
      errors: ['unsupported_file_type'],
      rateLimit: { bucket: 'upload' },
      handler: async ({ actor, streamedBody, services }) => presentUpload(await services.uploads.receiveUpload(actor, streamedBody!)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/uploads/:id',
      summary: 'Download an uploaded file',
      description:
        'Readable by the uploader while the file is not attached, afterwards by whoever the owning feature allows ' +
        '(e.g. the letter’s writer and the staff handling it; everyone for a published policy). Anyone else gets ' +
        '404. Staff reads of attachments of personal cases are audited.',
      auth: 'public',
      params: IdParams,
      binaryResponse: { mediaTypes: UPLOAD_CONTENT_TYPES, description: 'The file, with `Cache-Control: private`' },
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => {
        const { info, stream } = await services.uploads.openDownload(actor, input.params.id);
        return binaryResponse({
          stream,
          contentType: info.contentType,
          contentLength: info.size,
          headers: {
            'Cache-Control': 'private',
            'Content-Disposition': inlineDisposition(info.filename),
          },
        });
      },
    }),
  ],
});
