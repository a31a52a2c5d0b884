/**
 * "Välj företag": which company a person acts for, asked right after login when they are a
 * user at several, and again whenever they change. One radio button per company, none
 * chosen in advance (the first company is not a choice the person made); the cases,
 * register and users pages follow the choice, and the header shows it on every page.
 */
import type { Membership } from '../../accounts/service.js';
import { formatOrgnr } from '../../accounts/orgnr.js';
import { Layout, type PageContext } from '../../web/layout.js';

export function ChooseOrganisationPage(props: { ctx: PageContext; memberships: readonly Membership[]; missing?: boolean }) {
  const { ctx, memberships } = props;
  const { t } = ctx;
  const current = ctx.principal?.orgnr ?? null;
  const describedBy = props.missing ? 'org-hint org-error' : 'org-hint';
  return (
    <Layout ctx={ctx} title={t['start.chooseTitle']}>
      <h1>{t['start.chooseTitle']}</h1>
      {props.missing ? (
        <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabIndex={-1} autofocus>
          <h2 id="error-summary-title">{t['start.chooseErrorTitle']}</h2>
          <ul>
            <li>
              <a href={`#org-${memberships[0]?.orgnr ?? ''}`}>{t['start.chooseError']}</a>
            </li>
          </ul>
        </div>
      ) : null}
      <form method="post" action="/start/organisation">
        <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
        <fieldset class={props.missing ? 'field-invalid' : undefined} aria-describedby={describedBy}>
          <legend>{t['start.chooseOrg']}</legend>
          <p class="hint" id="org-hint">
            {t['start.chooseOrgHint']}
          </p>
          {props.missing ? (
            <p class="field-error" id="org-error">
              {t['start.chooseError']}
            </p>
          ) : null}
          {memberships.map((m) => (
            <div class="radio-card" key={m.orgnr}>
              <input type="radio" name="orgnr" id={`org-${m.orgnr}`} value={m.orgnr} checked={m.orgnr === current} />
              <label for={`org-${m.orgnr}`}>{`${m.orgName} (${formatOrgnr(m.orgnr)})`}</label>
            </div>
          ))}
        </fieldset>
        <button type="submit" class="button-primary">
          {t['start.chooseSubmit']}
        </button>
      </form>
    </Layout>
  );
}
