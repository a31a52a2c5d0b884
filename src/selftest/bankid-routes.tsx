/**
 * The BankID test: started on the test page through BankID's own /bankid/start (kind
 * 'test'), followed on BankID's waiting page, and finished here. /bankid/complete sends a
 * test order here and never to completeLogin; this route takes only a test order, once.
 */
import type { FastifyInstance } from 'fastify';
import { TEST_RESULT_PATH } from '../bankid/route-context.js';
import { flowOf } from '../bankid/route-context.js';
import type { BankIdService } from '../bankid/service.js';
import { statusAt } from '../login/plan.js';
import { describePlanDate } from '../login/plan-dates.js';
import { formatCalendarDate } from '../platform/dates.js';
import { pageContext, sendHtml } from '../web/render.js';
import { auditTest, noteOutcome, outcomesOf, SELFTEST_PATH, type SelftestDeps } from './route-context.js';
import { ResultPage } from './views/result-page.js';
import { infoSectionOf } from './views/selftest-page.js';

export interface BankIdTestDeps extends SelftestDeps {
  bankid: BankIdService;
}

export function bankIdTestRoutes(app: FastifyInstance, deps: BankIdTestDeps): void {
  const { bankid, sessions, clock, plan, config } = deps;
  const rateLimit = { max: config.rateLimit.loginPerMinute, timeWindow: '1 minute' };

  app.get(TEST_RESULT_PATH, { config: { rateLimit } }, async (request, reply) => {
    const flow = flowOf(request);
    // Only the session's own test order: a login or signature order is never taken here.
    if (!flow || flow.kind !== 'test') return reply.redirect(SELFTEST_PATH, 303);
    const order = await bankid.takeCompleted(flow.orderId);
    if (!order?.result || order.kind !== 'test') return reply.redirect('/bankid/wait', 303);
    if (request.session) {
      delete request.session.data.flows?.['bankid'];
      await sessions.save(request.session);
    }
    await auditTest(deps, { method: 'bankid', usage: 'login', ok: true, ip: request.ip });
    await noteOutcome(deps, request, { method: 'bankid', usage: 'login', ok: true });
    const ctx = await pageContext(deps, request, reply);
    const { t, lang } = ctx;
    const now = clock.now();
    const methods = await plan.methods();
    const planned = methods.find((m) => m.id === 'bankid');
    const status = planned ? statusAt(planned, now) : 'ended';
    const enabledText =
      status === 'enabled'
        ? t['selftest.result.enabledNow']
        : status === 'planned' && planned
          ? t['selftest.result.bankidPlanned']({ when: describePlanDate(lang, planned.enabledFrom, planned.announceAs, now, ctx.site.timeZone) })
          : t['selftest.result.ended'];
    const issueDate = order.result.completion.bankIdIssueDate;
    const issued = issueDate !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(issueDate) ? formatCalendarDate(lang, issueDate) : undefined;
    return sendHtml(
      reply,
      <ResultPage
        ctx={ctx}
        heading={t['bankid.testTitle']}
        ok
        outcome={t['selftest.result.bankidOk']}
        facts={[
          { label: t['selftest.result.name'], value: order.result.name },
          // Where BankID says when this BankID was issued (an optional field of the completion data).
          ...(issued ? [{ label: t['selftest.result.bankidIssued'], value: issued }] : []),
          { label: t['selftest.result.enabled'], value: enabledText },
        ]}
        advice={
          <p>
            <a href={infoSectionOf('bankid')}>{t['selftest.summary.next']}</a>
          </p>
        }
        outcomes={outcomesOf(request)}
        methods={methods}
        now={now}
      />,
    );
  });
}
