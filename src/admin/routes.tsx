/**
 * The admin side (`/admin…`): staff with the role `admin` manage the rollout plan, people,
 * organisations, membership requests and the CSV import, and search the audit log. Every
 * route of this plugin needs a logged-in principal with the staff role `admin`: 401 when
 * nobody is logged in, 403 for anyone else. The check runs in `onRequest`, before the
 * CSRF check, so a POST by a non-admin is refused as forbidden whatever its token.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { timetable } from '../info/timetable.js';
import { isMethodId, type MethodId } from '../identity/methods.js';
import { localMidnight } from '../platform/dates.js';
import { loginMethodsAt } from '../login/views/login-page.js';
import { AppError } from '../web/errors.js';
import { pageContext, sendHtml } from '../web/render.js';
import { auditRoutes } from './audit-routes.js';
import { actorOf, requireAdmin, type AdminDeps } from './route-context.js';
import { importRoutes } from './import-routes.js';
import { peopleRoutes } from './people-routes.js';
import { checkPlanForm, currentValues, planFormValues, type PlanFormValues } from './plan-form.js';
import { createMembershipRequests } from './requests.js';
import { requestRoutes } from './request-routes.js';
import { isoDate, type FormBody } from './validate.js';
import { AdminIndexPage } from './views/index-page.js';
import { PlanPage, PreviewPage, type PlanEditState } from './views/plan-page.js';

export async function adminRoutes(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const { clock, plan, providers, site } = deps;
  const requests = createMembershipRequests(deps);

  app.addHook('onRequest', async (request) => {
    requireAdmin(request);
  });

  app.get('/admin', async (request, reply) => {
    const pending = (await requests.pending()).length;
    const ctx = await pageContext(deps, request, reply, { forms: true });
    return sendHtml(reply, <AdminIndexPage ctx={ctx} pendingRequests={pending} />);
  });

  async function renderPlan(
    request: FastifyRequest,
    reply: Parameters<typeof pageContext>[2],
    refused: PlanEditState | undefined,
    saved: MethodId | undefined,
  ) {
    const methods = await plan.methods();
    const values = new Map<MethodId, PlanFormValues>(
      methods.map((m) => [m.id, currentValues(m, site.timeZone)]),
    );
    if (refused) values.set(refused.method, refused.values);
    const ctx = await pageContext(deps, request, reply, { forms: true });
    return sendHtml(
      reply,
      <PlanPage
        ctx={ctx}
        methods={methods}
        now={clock.now()}
        values={values}
        refused={refused}
        saved={saved}
      />,
      refused ? 400 : 200,
    );
  }

  app.get<{ Querystring: { saved?: string } }>('/admin/plan', async (request, reply) => {
    const saved = request.query.saved;
    return renderPlan(request, reply, undefined, isMethodId(saved) ? saved : undefined);
  });

  app.post<{ Params: { method: string }; Body: FormBody }>('/admin/plan/:method', async (request, reply) => {
    const method = request.params.method;
    if (!isMethodId(method) || !(await plan.methods()).some((m) => m.id === method))
      throw new AppError('not_found', 'no such login method');
    const values = planFormValues(request.body);
    const checked = checkPlanForm(values, site.timeZone);
    if (!checked.ok) return renderPlan(request, reply, { method, values, errors: checked.errors }, undefined);
    const actor = actorOf(request);
    await plan.change(method, checked.change, actor.personnummer, actor.ip);
    return reply.redirect(`/admin/plan?saved=${method}`, 303);
  });

  app.get<{ Querystring: { date?: string } }>('/admin/plan/preview', async (request, reply) => {
    const value = typeof request.query.date === 'string' ? request.query.date : '';
    const date = isoDate(value);
    const ctx = await pageContext(deps, request, reply, { forms: true });
    if (!date || date.year < 2000 || date.year > 2099) {
      const errors = value === '' ? {} : { date: { key: 'admin.preview.error.date' as const } };
      return sendHtml(
        reply,
        <PreviewPage
          ctx={ctx}
          value={value}
          errors={errors}
          at={undefined}
          login={undefined}
          entries={undefined}
        />,
        value === '' ? 200 : 400,
      );
    }
    const at = localMidnight(date, site.timeZone);
    const methods = await plan.methods();
    return sendHtml(
      reply,
      <PreviewPage
        ctx={ctx}
        value={value}
        errors={{}}
        at={at}
        login={loginMethodsAt(methods, at, providers)}
        entries={timetable(methods, at)}
      />,
    );
  });

  peopleRoutes(app, deps);
  importRoutes(app, deps);
  requestRoutes(app, deps, requests);
  auditRoutes(app, deps);
}
