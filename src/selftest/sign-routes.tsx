/**
 * The card test, signing part: POST /testa-e-legitimation/underskrift makes a test job
 * (card/sign-test.ts) bound to this session and opens Net iD through the same bridge as a
 * real signature; the result page takes the outcome once. A test job is no sign request:
 * nothing is signed for anyone, and no case can be signed with it.
 */
import type { FastifyInstance } from 'fastify';
import { isCardState, newCardState } from '../card/service.js';
import type { CardSignTest, SignTestOutcome } from '../card/sign-test.js';
import { NetIdSteps } from '../card/views/net-id-steps.js';
import { methodName } from '../identity/methods.js';
import { formatDate } from '../platform/dates.js';
import type { Messages } from '../platform/i18n/index.js';
import { AppError } from '../web/errors.js';
import { Layout, Notice, type PageContext } from '../web/layout.js';
import { pageContext, sendHtml } from '../web/render.js';
import { SignedText } from '../signing/views/sign-page.js';
import { noteOutcome, outcomesOf, SELFTEST_PATH, type SelftestDeps } from './route-context.js';
import { ResultPage, type Fact } from './views/result-page.js';

export const SIGN_TEST_PATH = `${SELFTEST_PATH}/underskrift`;

interface SignTestFlow {
  state: string;
}

export interface SignTestDeps extends SelftestDeps {
  signTest: CardSignTest;
}

/** The sign errors with a text of their own; any other is told as 'other'. */
const TOLD = [
  'no_signing_certificate',
  'not_a_signing_certificate',
  'cancelled',
  'digest_mismatch',
  'content_mismatch',
  'bad_signature',
  'cms_malformed',
  'signer_certificate_missing',
  'signing_time_invalid',
  'revoked',
  'unknown_issuer',
  'ocsp_unavailable',
] as const;

function errorText(t: Messages, code: string | null): string {
  const told = TOLD.find((c) => c === code);
  return told ? t[`sign.error.${told}`] : t['sign.error.other'];
}

export function signTestRoutes(app: FastifyInstance, deps: SignTestDeps): void {
  const { signTest, sessions, clock, plan, config } = deps;
  const rateLimit = { max: config.rateLimit.loginPerMinute, timeWindow: '1 minute' };

  app.post(SIGN_TEST_PATH, { config: { rateLimit } }, async (request, reply) => {
    const session = request.session;
    if (!session) throw new AppError('csrf', 'no session');
    const existing = session.data.flows?.['signtest'] as SignTestFlow | undefined;
    const state = existing && isCardState(existing.state) ? existing.state : newCardState();
    if (state !== existing?.state) {
      session.data.flows = { ...session.data.flows, signtest: { state } satisfies SignTestFlow };
      await sessions.save(session);
    }
    const { id, job, launch } = await signTest.begin(state, (code) => request.t['selftest.sign.text']({ code }));
    if (!launch) throw new AppError('method_not_enabled', 'no card signer configured');
    const ctx = await pageContext(deps, request, reply);
    const { t } = ctx;
    return sendHtml(
      reply,
      <Layout ctx={ctx} title={t['selftest.sign.heading']}>
        <h1>{t['selftest.sign.heading']}</h1>
        <p>{t['selftest.sign.intro']}</p>
        <SignedText t={t} text={job.text} digest={job.digest} headingId="what-heading" />
        <NetIdSteps t={t} launch={launch} checkHref={`${signTest.resultPath}?test=${id}`} checkLabel={t['selftest.sign.check']} />
      </Layout>,
    );
  });

  app.get<{ Querystring: { test?: string } }>(signTest.resultPath, { config: { rateLimit } }, async (request, reply) => {
    const flow = request.session?.data.flows?.['signtest'] as SignTestFlow | undefined;
    const outcome = await signTest.take(request.query.test, flow?.state);
    const ctx = await pageContext(deps, request, reply);
    const { t } = ctx;
    const now = clock.now();
    const methods = await plan.methods();
    if (outcome === 'pending') {
      return sendHtml(
        reply,
        <Layout ctx={ctx} title={t['selftest.sign.heading']}>
          <h1>{t['selftest.sign.heading']}</h1>
          <Notice kind="info">
            <p>{t['selftest.sign.pending']}</p>
          </Notice>
          <p>
            <a href={`${signTest.resultPath}?test=${request.query.test ?? ''}`}>{t['selftest.sign.check']}</a>
          </p>
          <p>
            <a href={SELFTEST_PATH}>{t['selftest.result.back']}</a>
          </p>
        </Layout>,
      );
    }
    if (!outcome) {
      return sendHtml(
        reply,
        <ResultPage ctx={ctx} heading={t['selftest.sign.heading']} ok={false} outcome={t['selftest.card.ticketInvalid']} facts={[]} outcomes={outcomesOf(request)} methods={methods} now={now} />,
        400,
      );
    }
    await noteOutcome(deps, request, { method: outcome.method ?? 'card', usage: 'sign', ok: outcome.ok });
    return sendHtml(reply, <SignResult ctx={ctx} outcome={outcome} methods={methods} now={now} outcomes={outcomesOf(request)} />);
  });
}

function SignResult(props: { ctx: PageContext; outcome: SignTestOutcome; methods: Parameters<typeof ResultPage>[0]['methods']; now: Date; outcomes: ReturnType<typeof outcomesOf> }) {
  const { ctx, outcome } = props;
  const { t, lang } = ctx;
  const date = (iso: string) => formatDate(lang, new Date(iso), ctx.site.timeZone);
  const notActivated = outcome.code === 'no_signing_certificate';
  const facts: Fact[] = [];
  if (outcome.method) facts.push({ label: t['selftest.result.issuer'], value: methodName(t, outcome.method) });
  facts.push({ label: t['selftest.sign.activated'], value: notActivated ? t['selftest.sign.no'] : outcome.code === 'cancelled' ? t['selftest.result.notChecked'] : t['selftest.sign.yes'] });
  if (outcome.validFrom && outcome.validTo)
    facts.push({ label: t['selftest.sign.certificate'], value: t['selftest.result.validityRange']({ from: date(outcome.validFrom), to: date(outcome.validTo) }) });
  facts.push({
    label: t['selftest.result.revocation'],
    value: outcome.revocation === 'good' ? t['selftest.result.notRevoked'] : outcome.revocation === 'revoked' ? t['selftest.result.revoked'] : t['selftest.result.notChecked'],
  });
  if (outcome.ok) facts.push({ label: t['selftest.sign.verified'], value: t['selftest.sign.verifiedOk'] });
  const advice = (
    <>
      {notActivated ? (
        <div data-advice="sign-not-activated">
          <p>{t['selftest.sign.notActivated']}</p>
          <ol class="steps">
            <li>{t['selftest.sign.step1']}</li>
            <li>{t['info.activateSign.step2']}</li>
            <li>{t['info.activateSign.step3']}</li>
          </ol>
          <p>{t['info.activateSign.itDept']}</p>
        </div>
      ) : null}
      <p>
        <a href="/info#svp-heading">{t['selftest.summary.next']}</a>
      </p>
    </>
  );
  return (
    <ResultPage
      ctx={ctx}
      heading={t['selftest.sign.heading']}
      ok={outcome.ok}
      outcome={outcome.ok ? t['selftest.sign.ok'] : errorText(t, outcome.code)}
      facts={facts}
      advice={advice}
      outcomes={props.outcomes}
      methods={props.methods}
      now={props.now}
    />
  );
}
