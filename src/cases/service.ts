/**
 * Cases (ärenden): drafts that move through the steps of their type, attachments stored by
 * content (SHA-256), review, submission by signature, and the life after it (messages,
 * officer, status). A submitted case cannot change: every write checks the status in the
 * same statement that writes. Submission happens only inside the signing transaction
 * (the `case_submission` purpose), after the case's current canonical document has been
 * checked to be exactly the one that was signed.
 *
 * `createCases` assembles the service from its parts, by what people do: reading cases
 * (`queries.ts`), drafts (`drafts.ts`, their values checked in `validation.ts`), attachments
 * (`attachments.ts`), submission (`submission.ts`), and messages and status after it
 * (`case-messages.ts`), and what they hold about one person (`person-data.ts`), over one shared store (`case-store.ts`: dependencies, locks, row
 * conversions). The shapes they share are in `model.ts` and exported from here.
 */
import { caseAttachments } from './attachments.js';
import { caseMessages } from './case-messages.js';
import { createCaseStore, type CaseServiceDeps } from './case-store.js';
import { caseDrafts } from './drafts.js';
import { CASE_SUBMISSION } from './model.js';
import { casePersonData } from './person-data.js';
import { caseQueries } from './queries.js';
import { caseRetention } from './retention.js';
import { caseSubmission } from './submission.js';

export { flattenInto } from './validation.js';
export {
  CASE_SUBMISSION,
  CaseError,
  type AttachmentInfo,
  type CaseMessage,
  type CaseRow,
  type CaseSignature,
  type CasesConfig,
  type FieldError,
} from './model.js';

export function createCases(deps: CaseServiceDeps) {
  const { signing } = deps;
  const store = createCaseStore(deps);
  const queries = caseQueries(store);
  const drafts = caseDrafts(store, queries);
  const attachments = caseAttachments(store);
  const submission = caseSubmission(store, queries);
  const messages = caseMessages(store, attachments);
  const personData = casePersonData(store);
  const retention = caseRetention(store);

  /** What runs once a submission has committed (the sealed receipt, registered by the app). */
  const submittedHooks: ((caseId: string, lang: 'sv' | 'en') => Promise<void>)[] = [];
  const hooks = {
    onSubmitted(hook: (caseId: string, lang: 'sv' | 'en') => Promise<void>): void {
      submittedHooks.push(hook);
    },
  };

  const cases = { ...queries, ...drafts, ...attachments, ...submission, ...messages, ...personData, ...hooks, retention };

  // Looked up on the assembled service when a signature completes, not bound here.
  signing.registerPurpose(CASE_SUBMISSION, {
    onSigned: (trx, request, evidence) => cases.onSigned(trx, request, evidence),
    afterCommit: async (request) => {
      for (const hook of submittedHooks) await hook(request.subject, request.lang ?? 'sv');
    },
  });

  return cases;
}

export type Cases = ReturnType<typeof createCases>;
