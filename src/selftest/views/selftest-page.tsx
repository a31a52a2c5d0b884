/**
 * The self-test page: a section per way to test (the card's login, BankID), and the
 * summary of what this browser's tests showed: "Du kan logga in med … / Du kan underteckna
 * med …", with the next step linked to Kundwebbinfo and a print version (print CSS).
 */
import type { ComponentChildren } from 'preact';
import { methodName, type MethodId } from '../../identity/methods.js';
import type { PlannedMethod } from '../../login/plan.js';
import { statusAt } from '../../login/plan.js';
import { describePlanDate } from '../../login/plan-dates.js';
import { Layout, Notice, type PageContext } from '../../web/layout.js';
import type { TestOutcome } from '../route-context.js';

/** The Kundwebbinfo section that tells a user of `method` what to do. */
export function infoSectionOf(method: MethodId | 'card'): string {
  return method === 'telia_card' ? '/info#telia-heading' : method === 'svenska_pass_card' ? '/info#svp-heading' : '/info#timetable-heading';
}

export function listOf(ctx: PageContext, names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} ${ctx.t['selftest.and']} ${names[names.length - 1] ?? ''}`;
}

export function SelftestPage(props: {
  ctx: PageContext;
  message?: string | undefined;
  /** The card listener's test address, when card login is configured. */
  cardHref: string | undefined;
  /** The demo card reader (demo and test mode only), which presents a demo card for the test. */
  demoReaderUrl?: string | undefined;
  /** Where the card's signing test is started, when card signing is configured. */
  signAction?: string | undefined;
  bankid: boolean;
  outcomes: readonly TestOutcome[];
  methods: readonly PlannedMethod[];
  now: Date;
}) {
  const { ctx } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t['selftest.title']}>
      <h1>{t['selftest.title']}</h1>
      <p class="lead">{t['selftest.lead']}</p>
      <p>{t['selftest.privacy']}</p>
      {props.message ? (
        <Notice kind="info">
          <p>{props.message}</p>
        </Notice>
      ) : null}
      {props.cardHref ? (
        <section aria-labelledby="card-test-heading" class="selftest-section no-print">
          <h2 id="card-test-heading">{t['selftest.card.heading']}</h2>
          <p>{t['selftest.card.intro']}</p>
          <p>
            <a class="button-primary" href={props.cardHref}>
              {t['selftest.card.start']}
            </a>
          </p>
          {props.demoReaderUrl ? (
            <p data-demo="card-reader">
              {t['selftest.card.demo']}{' '}
              <a href={`${props.demoReaderUrl}?next=${encodeURIComponent(props.cardHref)}`}>{t['card.demo.link']}</a>
            </p>
          ) : null}
        </section>
      ) : null}
      {props.signAction ? (
        <section aria-labelledby="sign-test-heading" class="selftest-section no-print">
          <h2 id="sign-test-heading">{t['selftest.sign.heading']}</h2>
          <p>{t['selftest.sign.intro']}</p>
          <form method="post" action={props.signAction}>
            <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
            <button type="submit" class="button-primary">
              {t['selftest.sign.start']}
            </button>
          </form>
        </section>
      ) : null}
      {props.bankid ? (
        <section aria-labelledby="bankid-test-heading" class="selftest-section no-print">
          <h2 id="bankid-test-heading">{t['selftest.bankid.heading']}</h2>
          <p>{t['selftest.bankid.intro']}</p>
          {(['autostart', 'qr'] as const).map((flow) => (
            <form method="post" action="/bankid/start" class="selftest-bankid-form" key={flow}>
              <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
              <input type="hidden" name="kind" value="test" />
              <input type="hidden" name="flow" value={flow} />
              <button type="submit" class="button-primary">
                {flow === 'autostart' ? t['selftest.bankid.thisDevice'] : t['selftest.bankid.otherDevice']}
              </button>
            </form>
          ))}
        </section>
      ) : null}
      <Summary ctx={ctx} outcomes={props.outcomes} methods={props.methods} now={props.now} />
    </Layout>
  );
}

/** What the tests of this browser showed, and where to read on. */
export function Summary(props: {
  ctx: PageContext;
  outcomes: readonly TestOutcome[];
  methods: readonly PlannedMethod[];
  now: Date;
  /** A result page links to Kundwebbinfo in its own advice; the summary then does not again. */
  withNext?: boolean;
}) {
  const { ctx, outcomes, methods, now } = props;
  const { t, lang } = ctx;
  const planned = new Map<string, PlannedMethod>(methods.map((m) => [m.id, m]));
  const name = (id: MethodId | 'card') => (id === 'card' ? t['selftest.summary.card'] : methodName(t, id));
  const failedName = (o: TestOutcome) => (o.usage === 'sign' ? t['selftest.summary.signWith']({ method: name(o.method) }) : name(o.method));
  const loginOk = outcomes.filter((o) => o.usage === 'login' && o.ok);
  const loginNow = loginOk.filter((o) => {
    const m = planned.get(o.method);
    return m !== undefined && statusAt(m, now) === 'enabled';
  });
  const loginLater = loginOk.flatMap((o) => {
    const m = planned.get(o.method);
    return m && statusAt(m, now) === 'planned' ? [m] : [];
  });
  const signOk = outcomes.filter((o) => o.usage === 'sign' && o.ok);
  const failed = outcomes.filter((o) => !o.ok);
  const next = failed[0]?.method ?? loginLater[0]?.id ?? outcomes[0]?.method;
  let body: ComponentChildren;
  if (outcomes.length === 0) {
    body = <p>{t['selftest.summary.none']}</p>;
  } else {
    body = (
      <>
        <ul class="selftest-summary">
          <li>
            {loginNow.length > 0
              ? t['selftest.summary.canLogin']({ methods: listOf(ctx, loginNow.map((o) => name(o.method))) })
              : loginLater.length > 0
                ? t['selftest.summary.notToday']
                : t['selftest.summary.cannotLogin']}
          </li>
          {loginLater.map((m) => (
            <li key={m.id}>{t['selftest.summary.later']({ method: name(m.id), when: describePlanDate(lang, m.enabledFrom, m.announceAs, now, ctx.site.timeZone), announceAs: m.announceAs })}</li>
          ))}
          {signOk.length > 0 ? <li>{t['selftest.summary.canSign']({ methods: listOf(ctx, signOk.map((o) => name(o.method))) })}</li> : null}
          {failed.length > 0 ? <li>{t['selftest.summary.failed']({ methods: listOf(ctx, failed.map(failedName)) })}</li> : null}
        </ul>
        {next && props.withNext !== false ? (
          <p>
            <a href={infoSectionOf(next)}>{t['selftest.summary.next']}</a>
          </p>
        ) : null}
        <p class="no-print">{t['selftest.summary.print']}</p>
      </>
    );
  }
  return (
    <section aria-labelledby="summary-heading" class="selftest-summary-section">
      <h2 id="summary-heading">{t['selftest.summary.heading']}</h2>
      {body}
    </section>
  );
}
