/** The notice on the start page that the person's ID card expires soon (or has), and what to do before it does. */
import type { MethodId } from '../../identity/methods.js';
import type { Lang, Messages } from '../../platform/i18n/index.js';
import { describePlanDate } from '../../login/plan-dates.js';
import { formatDate } from '../../platform/dates.js';
import type { SiteInfo } from '../../platform/site.js';
import type { StartNotice } from '../../login/routes.js';
import type { RolloutPlan } from '../../login/plan.js';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/index.js';
import { cardExpiryWarning, type ExpiryWarning } from '../expiry.js';

export function ExpiryNotice(props: { warning: ExpiryWarning; t: Messages; lang: Lang; site: SiteInfo; now: Date }) {
  const { warning, t, lang, site, now } = props;
  const name = (id: MethodId) => t[`method.${id}.name`];
  const when = (m: { enabledFrom: Date; announceAs: Parameters<typeof describePlanDate>[2] }) =>
    describePlanDate(lang, m.enabledFrom, m.announceAs, now, site.timeZone);
  return (
    <section class="notice notice-error" aria-labelledby="expiry-heading" data-warning="card-expiry">
      <h2 id="expiry-heading">{warning.expired ? t['card.expiry.titleExpired'] : t['card.expiry.title']}</h2>
      <p>
        {t['card.expiry.when']({ method: name(warning.method), date: formatDate(lang, warning.notAfter, site.timeZone) })}{' '}
        {warning.nextPlanned ? t['card.expiry.beforeNext']({ method: name(warning.nextPlanned.id), when: when(warning.nextPlanned) }) : null}
      </p>
      <ul>
        {warning.bankId === 'enabled' ? <li>{t['card.expiry.useBankId']}</li> : null}
        {warning.method === 'telia_card' && warning.svenskaPass !== 'absent' ? <li>{t['card.expiry.applySkatteverket']}</li> : null}
        {warning.method === 'svenska_pass_card' ? <li>{t['card.expiry.renewSkatteverket']}</li> : null}
      </ul>
      <p>
        <a href="/info">{t['card.expiry.more']}</a>
      </p>
    </section>
  );
}

/** The start page's warning of a card that expires soon (see expiry.ts for when). */
export function cardExpiryStartNotice(deps: { db: Db; plan: RolloutPlan; clock: Clock; site: SiteInfo; windowDays: number; otherMethodDays: number }): StartNotice {
  return async (request, principal) => {
    const now = deps.clock.now();
    const warning = await cardExpiryWarning({
      db: deps.db,
      plan: deps.plan,
      now,
      personnummer: principal.personnummer,
      method: principal.method,
      windowDays: deps.windowDays,
      otherMethodDays: deps.otherMethodDays,
    });
    return warning ? <ExpiryNotice warning={warning} t={request.t} lang={request.lang} site={deps.site} now={now} /> : null;
  };
}
