/**
 * The shapes of cases that every part of the case service and its callers share: a stored
 * case, an attachment, a message, a field's problem, the service's error and its limits.
 * `service.ts` re-exports them; they live here so the parts of the service (drafts,
 * attachments, submission, messages) can use them without importing the service that
 * assembles them.
 */
import type { CaseFileTable } from '../platform/db/schema.js';
import { PortalError, type ErrorMeanings } from '../platform/errors.js';
import type { FieldProblem } from './formats.js';
import type { CaseData } from './types.js';

/** The signing purpose under which a case is submitted (`submission.ts`). */
export const CASE_SUBMISSION = 'case_submission';

export interface CaseRow extends Omit<CaseFileTable, 'data'> {
  data: CaseData;
}

export interface AttachmentInfo {
  id: string;
  caseId: string;
  messageId: string | null;
  sha256: string;
  fileName: string;
  mediaType: string;
  size: number;
  uploadedBy: string;
  uploadedAt: string;
}

export interface CaseMessage {
  id: string;
  caseId: string;
  side: 'organisation' | 'agency';
  author: string;
  authorName: string | null;
  body: string;
  createdAt: string;
  attachments: AttachmentInfo[];
}

/** Who signed a submitted case, how and when (from its signature evidence). */
export interface CaseSignature {
  method: string;
  signerName: string | null;
  signedAt: string;
}

/** A problem with one field; `path` is "field", "group.row.field" or "group" (row count). */
export interface FieldError {
  step: string;
  path: string;
  problem: FieldProblem | 'group_min' | 'group_max';
}

export type CaseErrorCode =
  | 'not_found'
  | 'not_draft'
  | 'closed'
  /** A case officer's status change that the case's status does not allow. */
  | 'status_not_allowed'
  | 'changed'
  | 'incomplete'
  | 'too_many_attachments'
  | 'duplicate_attachment'
  /** The organisation's limit of drafts, or of bytes in its drafts' attachments. */
  | 'quota_exceeded';

/**
 * What each code means when nothing shows it inline (the step, attachments and review pages
 * do, with more context): the status and the text the one error handler renders.
 */
const CASE_ERROR_MEANINGS = {
  not_found: { status: 404, message: 'error.not_found' },
  not_draft: { status: 400, message: 'cases.error.not_draft' },
  closed: { status: 400, message: 'cases.error.closed' },
  status_not_allowed: { status: 400, message: 'cases.error.status' },
  changed: { status: 409, message: 'cases.changedSinceReview' },
  incomplete: { status: 409, message: 'cases.error.incomplete' },
  too_many_attachments: { status: 400, message: 'cases.error.too_many_attachments' },
  duplicate_attachment: { status: 400, message: 'cases.attachment.error.duplicate' },
  quota_exceeded: { status: 409, message: 'error.quota_exceeded' },
} as const satisfies ErrorMeanings<CaseErrorCode>;

export class CaseError extends PortalError<CaseErrorCode> {
  constructor(code: CaseErrorCode, detail: string) {
    super(code, CASE_ERROR_MEANINGS[code], detail);
    this.name = 'CaseError';
  }
}

export interface CasesConfig {
  maxAttachments: number;
  maxDraftsPerOrganisation: number;
  maxDraftBytesPerOrganisation: number;
  timeZone: string;
}
