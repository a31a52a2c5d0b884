/** The start page after login: who is logged in and how, the organisation they act for, and the way to choose another. */
import type { VNode } from 'preact';
import type { Membership } from '../../accounts/service.js';
import { formatOrgnr } from '../../accounts/orgnr.js';
import { formatPersonalNumber } from '../../identity/personnummer.js';
import { Layout, Notice, type PageContext } from '../../web/layout.js';
import { formatDateTime } from '../../platform/dates.js';

export function StartPage(props: {
  ctx: PageContext;
  memberships: readonly Membership[];
  changedTo: string | undefined;
  notices?: readonly VNode[];
}) {
  const { ctx, memberships } = props;
  const { t, lang } = ctx;
  const principal = ctx.principal;
  if (!principal) return null;
  const acting = memberships.find((m) => m.orgnr === principal.orgnr);
  const methodName = t[`method.${principal.method}.name`];
  return (
    <Layout ctx={ctx} title={t['start.title']}>
      <h1>{t['start.welcome']({ name: principal.name })}</h1>
      {props.changedTo ? (
        <Notice kind="success">
          <p>{t['start.orgChanged']({ org: props.changedTo })}</p>
        </Notice>
      ) : null}
      {props.notices}
      <p>{acting ? t['start.actingFor']({ org: `${acting.orgName} (${formatOrgnr(acting.orgnr)})` }) : null}</p>
      {memberships.length === 0 ? <p>{t['start.noOrg']}</p> : null}
      {principal.staff.length > 0 ? <p>{t['start.staff']}</p> : null}
      {memberships.length > 1 ? (
        acting ? (
          <p>
            <a href="/start/organisation">{t['start.changeOrgLink']}</a>
          </p>
        ) : (
          <Notice kind="info">
            <p>
              <a href="/start/organisation">{t['start.chooseOrg']}</a>
            </p>
          </Notice>
        )
      ) : null}
      {memberships.length > 0 ? (
        <section aria-labelledby="your-orgs">
          <h2 id="your-orgs">{t['start.yourOrgs']}</h2>
          <ul>
            {memberships.map((m) => (
              <li key={m.orgnr}>
                {`${m.orgName} (${formatOrgnr(m.orgnr)}) – ${t[`start.role.${m.role}`]}`}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <dl class="facts">
        <dt>{t['start.personnummer']}</dt>
        <dd>{formatPersonalNumber(principal.personnummer)}</dd>
      </dl>
      <p>{t['start.loginInfo']({ method: methodName, at: formatDateTime(lang, new Date(principal.authAt), ctx.site.timeZone) })}</p>
      <p>
        <a href="/info">{t['start.infoLink']}</a>
      </p>
      <p>
        <a href="/testa-e-legitimation">{t['selftest.link']}</a>
      </p>
    </Layout>
  );
}
