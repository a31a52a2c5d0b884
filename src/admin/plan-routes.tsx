/**
 * The rollout plan on the admin side: the overview (`/admin/plan`), one edit page per method
 * (`/admin/plan/:method`) and the preview of a date (`/admin/plan/preview`).
 *
 * Saving a method's form (POST `/admin/plan/:method`):
 * 1. the values are checked (`plan-form.ts`); problems are shown next to the fields (400);
 * 2. the form carries the version of the plan it was made from; if someone changed the plan
 *    since, nothing is saved and the form comes back with the saved values (409);
 * 3. a plan in which no method works now is refused (400);
 * 4. a change that changes who can log in (`plan-effects.ts`) is shown in plain words for
 *    the admin to confirm; the confirmation carries a fingerprint of what it showed, and
 *    counts only while that is still what happens;
 * 5. the change is written only onto the version the admin saw (`changeIf`), and audited.
 * "Now" is the injected clock's.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { timetable } from '../info/timetable.js';
import { isMethodId } from '../identity/methods.js';
import { localDate, localMidnight } from '../platform/dates.js';
import { statusAt, type PlannedMethod } from '../login/plan.js';
import { loginMethodsAt } from '../login/views/login-page.js';
import { AppError } from '../web/errors.js';
import { pageContext, sendHtml } from '../web/render.js';
import { effectsDigest, planEffects, planVersion, withChange } from './plan-effects.js';
import { checkPlanForm, currentValues, formatPlanInstant, planFormValues, type PlanFormValues } from './plan-form.js';
import { actorOf, type AdminDeps } from './route-context.js';
import { field, isoDate, type FieldErrors, type FormBody } from './validate.js';
import { PlanConfirmPage, PlanEditPage } from './views/plan-edit-page.js';
import { PlanPage, type SavedNotice } from './views/plan-page.js';
import { PreviewPage } from './views/plan-preview-page.js';

export function planRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { clock, plan, providers, site } = deps;

  /** The plan as stored now (past the cache: staff edit it) and the method the path names. */
  async function methodOf(id: string): Promise<{ methods: readonly PlannedMethod[]; method: PlannedMethod }> {
    const methods = await plan.current();
    const method = isMethodId(id) ? methods.find((m) => m.id === id) : undefined;
    if (!method) throw new AppError('not_found', 'no such login method');
    return { methods, method };
  }

  async function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    method: PlannedMethod,
    form: { values: PlanFormValues; errors?: FieldErrors; version: string; conflict?: boolean },
    status: number,
  ) {
    const ctx = await pageContext(deps, request, reply, { forms: true });
    return sendHtml(
      reply,
      <PlanEditPage
        ctx={ctx}
        method={method}
        now={clock.now()}
        values={form.values}
        errors={form.errors ?? {}}
        version={form.version}
        conflict={form.conflict ?? false}
      />,
      status,
    );
  }

  app.get<{ Querystring: { saved?: string } }>('/admin/plan', async (request, reply) => {
    const methods = await plan.current();
    const now = clock.now();
    const savedMethod = methods.find((m) => m.id === request.query.saved);
    const ctx = await pageContext(deps, request, reply, { forms: true });
    return sendHtml(
      reply,
      <PlanPage ctx={ctx} methods={methods} now={now} saved={savedMethod ? savedNotice(savedMethod, now) : undefined} />,
    );
  });

  /** The saved notice links to the preview of the day the method next starts or ends (else today). */
  function savedNotice(m: PlannedMethod, now: Date): SavedNotice {
    const next = [m.enabledFrom, m.enabledUntil].find((d): d is Date => d !== null && d.getTime() > now.getTime());
    let day = localDate(next ?? now, site.timeZone);
    // A change at a time of day shows from the next midnight, where the preview looks.
    if (next && localMidnight(day, site.timeZone).getTime() !== next.getTime()) {
      day = localDate(new Date(localMidnight(day, site.timeZone).getTime() + 36 * 3600 * 1000), site.timeZone);
    }
    const startsAt = localMidnight(day, site.timeZone);
    return { method: m.id, previewDate: formatPlanInstant(startsAt, site.timeZone), startsAt };
  }

  app.get<{ Querystring: { date?: string } }>('/admin/plan/preview', async (request, reply) => {
    const value = typeof request.query.date === 'string' ? request.query.date : '';
    const date = isoDate(value);
    const ctx = await pageContext(deps, request, reply, { forms: true });
    if (!date || date.year < 2000 || date.year > 2099) {
      const errors = value === '' ? {} : { date: { key: 'admin.preview.error.date' as const } };
      return sendHtml(
        reply,
        <PreviewPage ctx={ctx} value={value} errors={errors} at={undefined} login={undefined} entries={undefined} />,
        value === '' ? 200 : 400,
      );
    }
    const at = localMidnight(date, site.timeZone);
    const methods = await plan.current();
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

  app.get<{ Params: { method: string } }>('/admin/plan/:method', async (request, reply) => {
    const { methods, method } = await methodOf(request.params.method);
    return editPage(
      request,
      reply,
      method,
      { values: currentValues(method, site.timeZone), version: planVersion(methods) },
      200,
    );
  });

  app.post<{ Params: { method: string }; Body: FormBody }>('/admin/plan/:method', async (request, reply) => {
    const { methods, method } = await methodOf(request.params.method);
    const body = request.body;
    const values = planFormValues(body);
    const version = field(body, 'version');
    const action = field(body, 'action');
    // "No, change it again" on the confirmation: the form with what was typed, nothing checked yet.
    if (action === 'revise') return editPage(request, reply, method, { values, version }, 200);

    const checked = checkPlanForm(values, site.timeZone);
    if (!checked.ok) return editPage(request, reply, method, { values, errors: checked.errors, version }, 400);
    if (version !== planVersion(methods)) {
      return editPage(request, reply, method, { values, version: planVersion(methods), conflict: true }, 409);
    }
    const now = clock.now();
    const { effects, noneToday } = planEffects(methods, method.id, checked.change, now);
    if (noneToday) {
      const after = withChange(methods, method.id, checked.change).find((m) => m.id === method.id);
      const at = after && statusAt(after, now) === 'ended' ? 'enabledUntil' : 'enabledFrom';
      return editPage(
        request,
        reply,
        method,
        { values, version, errors: { [at]: { key: 'admin.plan.error.noneToday' } } },
        400,
      );
    }
    const digest = effectsDigest(effects);
    if (effects.length > 0 && !(action === 'confirm' && field(body, 'confirmed') === digest)) {
      const ctx = await pageContext(deps, request, reply, { forms: true });
      return sendHtml(
        reply,
        <PlanConfirmPage
          ctx={ctx}
          method={method}
          values={values}
          change={checked.change}
          effects={effects}
          digest={digest}
          version={version}
          changedMeanwhile={action === 'confirm'}
        />,
      );
    }
    const actor = actorOf(request);
    const saved = await plan.changeIf(method.id, checked.change, actor.personnummer, actor.ip, (current) => planVersion(current) === version);
    if (!saved) {
      // Changed between the check above and the write.
      const fresh = await methodOf(method.id);
      return editPage(request, reply, fresh.method, { values, version: planVersion(fresh.methods), conflict: true }, 409);
    }
    return reply.redirect(`/admin/plan?saved=${method.id}`, 303);
  });
}
