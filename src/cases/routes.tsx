/**
 * The cases pages, registered together: the list and new cases (list-routes), the steps of
 * a draft (step-routes), its attachments (attachment-routes), review, submission, the
 * receipt and the signature check (submission-routes), the submitted case
 * (case-routes) and its messages (message-routes). The access rule is route-context's.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { attachmentRoutes } from './attachment-routes.js';
import { submittedCaseRoutes } from './case-routes.js';
import { listRoutes } from './list-routes.js';
import { messageRoutes } from './message-routes.js';
import { createCaseAccess, type CaseRoutesDeps } from './route-context.js';
import { stepRoutes } from './step-routes.js';
import { submissionRoutes } from './submission-routes.js';

export type { CaseRoutesDeps } from './route-context.js';

export async function caseRoutes(app: FastifyInstance, deps: CaseRoutesDeps): Promise<void> {
  const maxBytes = deps.config.cases.maxAttachmentBytes;
  await app.register(multipart, {
    limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 20_000, parts: 12 },
  });
  const access = createCaseAccess(deps);
  listRoutes(app, deps, access);
  stepRoutes(app, deps, access);
  attachmentRoutes(app, deps, access);
  submissionRoutes(app, deps, access);
  submittedCaseRoutes(app, deps, access);
  messageRoutes(app, deps, access);
}
