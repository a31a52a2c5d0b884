/** Membership requests: the list, approve, reject with a note. A request is handled once. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../web/errors.js';
import { pageContext, sendHtml } from '../web/render.js';
import type { MembershipRequests } from './requests.js';
import type { AdminDeps } from './route-context.js';
import { actorOf } from './route-context.js';
import { field, type FieldError, type FormBody } from './validate.js';
import { RequestsPage, type RequestsDone } from './views/requests-page.js';

/** Request ids are short opaque strings; anything else is no request. */
const ID = /^[A-Za-z0-9_-]{1,40}$/;

export function requestRoutes(app: FastifyInstance, deps: AdminDeps, requests: MembershipRequests): void {
  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    state: {
      refused?: { id: string; note: string; error: FieldError };
      alreadyHandled?: boolean;
      done?: RequestsDone | undefined;
    },
    status = 200,
  ) {
    const [pending, recent] = await Promise.all([requests.pending(), requests.recent()]);
    const ctx = await pageContext(deps, request, reply, { forms: true });
    return sendHtml(
      reply,
      <RequestsPage
        ctx={ctx}
        pending={pending}
        recent={recent}
        refused={state.refused}
        alreadyHandled={state.alreadyHandled ?? false}
        done={state.done}
      />,
      status,
    );
  }

  app.get<{ Querystring: { done?: string } }>('/admin/requests', async (request, reply) => {
    const done = request.query.done;
    return render(request, reply, { done: done === 'approved' || done === 'rejected' ? done : undefined });
  });

  app.post<{ Params: { id: string; decision: string }; Body: FormBody }>(
    '/admin/requests/:id/:decision',
    async (request, reply) => {
      const { id, decision } = request.params;
      if (!ID.test(id) || (decision !== 'approve' && decision !== 'reject'))
        throw new AppError('not_found', 'no such request action');
      const note = field(request.body, 'note');
      const actor = actorOf(request);
      const result =
        decision === 'approve'
          ? await requests.approve(id, actor, note)
          : await requests.reject(id, actor, note);
      if (result.ok)
        return reply.redirect(
          `/admin/requests?done=${decision === 'approve' ? 'approved' : 'rejected'}`,
          303,
        );
      switch (result.reason) {
        case 'not_found':
          throw new AppError('not_found', 'no such request');
        case 'already_handled':
          // Refused cleanly: the page says so and shows the request's current state.
          return render(request, reply, { alreadyHandled: true }, 409);
        case 'note':
          return render(request, reply, { refused: { id, note, error: result.error } }, 400);
      }
    },
  );
}
