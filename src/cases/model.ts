/**
 * The shapes of cases that every part of the case service and its callers share: a stored
 * case, an attachment, a message, a field's problem, the service's error and its limits.
 * `service.ts` re-exports them; they live here so the parts of the service (drafts,
 * attachments, submission, messages) can use them without importing the service that
 * assembles them.
 */
import type { CaseFileTable } from '../platform/db/schema.js';
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

/** A problem with one field; `path` is "field", "group.row.field" or "group" (row count). */
export interface FieldError {
  step: string;
  path: string;
  problem: FieldProblem | 'group_min' | 'group_max';
}

export class CaseError extends Error {
  readonly code:
    | 'not_found'
    | 'not_draft'
    | 'closed'
    | 'changed'
    | 'incomplete'
    | 'too_many_attachments'
    | 'duplicate_attachment'
    /** The organisation's limit of drafts, or of bytes in its drafts' attachments. */
    | 'quota_exceeded';
  constructor(code: CaseError['code'], detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'CaseError';
    this.code = code;
  }
}

export interface CasesConfig {
  maxAttachments: number;
  maxDraftsPerOrganisation: number;
  maxDraftBytesPerOrganisation: number;
  timeZone: string;
}
