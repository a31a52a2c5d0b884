/**
 * The card test, login part: the test page links to the card listener's test mode with a
 * `state` kept in the session (`cardTestLink`); the listener checks the certificate as for
 * a login and sends back a test ticket, which only this result page redeems, once, for the
 * session that started the test. A login ticket is never accepted here, and a test ticket
 * never by the login (card/service.ts keeps them apart).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CardLogin, CardTestTicket } from '../card/service.js';
import { isCardState, newCardState } from '../card/service.js';
import { methodName } from '../identity/methods.js';
import type { PlannedMethod } from '../login/plan.js';
import { statusAt } from '../login/plan.js';
import { describePlanDate } from '../login/plan-dates.js';
import { formatDate } from '../platform/dates.js';
import type { PageContext } from '../web/layout.js';
import { pageContext, sendHtml } from '../web/render.js';
import { maskAllButLastFour, noteOutcome, outcomesOf, SELFTEST_PATH, type SelftestDeps } from './route-context.js';
import { ResultPage, type Fact } from './views/result-page.js';
import { infoSectionOf } from './views/selftest-page.js';

export const CARD_RESULT_PATH = `${SELFTEST_PATH}/kort/resultat`;

interface CardTestFlow {
  state: string;
}

export interface CardTestDeps extends SelftestDeps {
  cardLogin: CardLogin;
}

/** The card listener's test address for this session (the session exists: the page has forms). */
export async function cardTestLink(deps: CardTestDeps, request: FastifyRequest): Promise<string | undefined> {
  const session = request.session;
  if (!session) return undefined;
  const existing = session.data.flows?.['cardtest'] as CardTestFlow | undefined;
  const state = existing && isCardState(existing.state) ? existing.state : newCardState();
  if (state !== existing?.state) {
    session.data.flows = { ...session.data.flows, cardtest: { state } satisfies CardTestFlow };
    await deps.sessions.save(session);
  }
  return `${deps.config.card.publicUrl}/card/test?state=${state}`;
}

export function cardTestRoutes(app: FastifyInstance, deps: CardTestDeps): void {
  const { cardLogin, sessions, clock, plan, config } = deps;
  const rateLimit = { max: config.rateLimit.loginPerMinute, timeWindow: '1 minute' };

  app.get<{ Querystring: { ticket?: string } }>(CARD_RESULT_PATH, { config: { rateLimit } }, async (request, reply) => {
    const flow = request.session?.data.flows?.['cardtest'] as CardTestFlow | undefined;
    const result = await cardLogin.redeemTest(request.query.ticket, flow?.state);
    if (request.session && flow) {
      delete request.session.data.flows?.['cardtest'];
      await sessions.save(request.session);
    }
    const ctx = await pageContext(deps, request, reply);
    const { t } = ctx;
    const now = clock.now();
    const methods = await plan.methods();
    if (!result) {
      return sendHtml(
        reply,
        <ResultPage ctx={ctx} heading={t['selftest.result.title']} ok={false} outcome={t['selftest.card.ticketInvalid']} facts={[]} outcomes={outcomesOf(request)} methods={methods} now={now} />,
        400,
      );
    }
    if (result.method) await noteOutcome(deps, request, { method: result.method, usage: 'login', ok: result.ok });
    return sendHtml(reply, <CardResult ctx={ctx} result={result} methods={methods} now={now} outcomes={outcomesOf(request)} />);
  });
}

function CardResult(props: { ctx: PageContext; result: CardTestTicket; methods: readonly PlannedMethod[]; now: Date; outcomes: ReturnType<typeof outcomesOf> }) {
  const { ctx, result, methods, now } = props;
  const { t, lang } = ctx;
  const zone = ctx.site.timeZone;
  const date = (iso: string) => formatDate(lang, new Date(iso), zone);
  const when = (m: PlannedMethod) => describePlanDate(lang, m.enabledFrom, m.announceAs, now, zone);
  const planned = result.method ? methods.find((m) => m.id === result.method) : undefined;
  const status = planned ? statusAt(planned, now) : undefined;
  const bankid = methods.find((m) => m.id === 'bankid');
  const facts: Fact[] = [];
  if (result.method) facts.push({ label: t['selftest.result.issuer'], value: methodName(t, result.method) });
  if (result.lastFour) facts.push({ label: t['selftest.result.personnummer'], value: maskAllButLastFour(result.lastFour) });
  if (result.validFrom && result.validTo)
    facts.push({ label: t['selftest.result.validity'], value: t['selftest.result.validityRange']({ from: date(result.validFrom), to: date(result.validTo) }) });
  facts.push({
    label: t['selftest.result.revocation'],
    value: result.revocation === 'good' ? t['selftest.result.notRevoked'] : result.revocation === 'revoked' ? t['selftest.result.revoked'] : t['selftest.result.notChecked'],
  });
  // "Works today" beside a refused card would read as if the card worked: said only of a good card.
  if (planned && status && (result.ok || status !== 'enabled'))
    facts.push({
      label: t['selftest.result.enabled'],
      value: status === 'enabled' ? t['selftest.result.enabledNow'] : status === 'planned' ? t['selftest.result.enabledFrom']({ when: when(planned), announceAs: planned.announceAs }) : t['selftest.result.ended'],
    });
  // A Telia card that ends before BankID starts: the notice's advice, a Skatteverket card now.
  const expiresBeforeBankId =
    result.ok && result.method === 'telia_card' && result.validTo && bankid && statusAt(bankid, now) === 'planned' && new Date(result.validTo).getTime() < bankid.enabledFrom.getTime();
  const advice = (
    <>
      {expiresBeforeBankId && bankid && result.validTo ? (
        <p class="callout" data-advice="telia-before-bankid">
          {t['selftest.result.expiresBeforeBankId']({ expires: date(result.validTo), when: when(bankid) })}{' '}
          <a href={ctx.site.skatteverketIdCardUrl}>{t['selftest.result.skatteverketLink']}</a>
        </p>
      ) : null}
      {result.code === 'no_certificate' ? <p data-advice="not-activated">{t['selftest.card.notActivated']}</p> : null}
      {result.ok && status === 'planned' && planned?.notice ? <p data-advice="plan-notice">{planned.notice[lang]}</p> : null}
      <p>
        <a href={infoSectionOf(result.method ?? 'telia_card')}>{t['selftest.summary.next']}</a>
      </p>
    </>
  );
  return (
    <ResultPage
      ctx={ctx}
      heading={t['selftest.result.title']}
      ok={result.ok}
      outcome={result.ok ? t['selftest.card.loginOk'] : t[`card.error.${result.code ?? 'bad_request'}`]}
      facts={facts}
      advice={advice}
      outcomes={props.outcomes}
      methods={methods}
      now={now}
    />
  );
}
