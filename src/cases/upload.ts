/**
 * Uploads into a case (an attachment, or a file with a message): reading the multipart form
 * with its CSRF token, and the user's text for a file that was refused.
 */
import type { FastifyRequest } from 'fastify';
import type { Messages } from '../platform/i18n/index.js';
import { verifyCsrf } from '../web/context.js';
import { AppError } from '../web/errors.js';
import { attachmentMessageParams, type FileProblem } from './file-types.js';
import type { CaseRoutesDeps } from './route-context.js';

/** A multipart form as read: its fields, the file if one came, and whether it was too large. */
export interface UploadForm {
  fields: Record<string, string>;
  file?: { fileName: string; bytes: Buffer };
  tooLarge: boolean;
}

/**
 * Reads a multipart form: the CSRF token first (the hook cannot see streamed fields),
 * then at most one file, buffered up to the size limit.
 */
export async function readMultipart(
  request: FastifyRequest,
  deps: Pick<CaseRoutesDeps, 'sessions' | 'config'>,
): Promise<UploadForm> {
  const expectedOrigin = new URL(deps.config.http.publicUrl).origin;
  const fields: Record<string, string> = {};
  let file: { fileName: string; bytes: Buffer } | undefined;
  let tooLarge = false;
  if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'expected multipart/form-data');
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      if (typeof part.value === 'string') fields[part.fieldname] = part.value;
      continue;
    }
    if (fields['_csrf'] === undefined) verifyCsrf(request, deps.sessions, expectedOrigin, undefined);
    else verifyCsrf(request, deps.sessions, expectedOrigin, fields['_csrf']);
    try {
      const bytes = await part.toBuffer();
      if (part.filename !== '' || bytes.length > 0) file = { fileName: part.filename, bytes };
    } catch (err) {
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') tooLarge = true;
      else throw err;
    }
  }
  verifyCsrf(request, deps.sessions, expectedOrigin, fields['_csrf']);
  return { fields, ...(file ? { file } : {}), tooLarge };
}

export function fileProblemText(t: Messages, problem: FileProblem, maxBytes: number): string {
  const entry = t[`attachment.error.${problem}`];
  return typeof entry === 'function' ? entry(attachmentMessageParams(maxBytes)) : entry;
}
