/**
 * The confirmation after a case is signed and submitted (/cases/:id/submitted), one step
 * from the signature: the case number, when and how it was signed, what happens next, the
 * receipt to keep and the check of the signature.
 */
import { methodName } from '../../identity/methods.js';
import { formatDateTime } from '../../platform/dates.js';
import { Layout, Notice, type PageContext } from '../../web/layout.js';
import type { CaseRow, CaseSignature } from '../service.js';
import type { CaseTypeDef } from '../types.js';

export function ConfirmationPage(props: {
  ctx: PageContext;
  row: CaseRow;
  type: CaseTypeDef;
  title: string;
  organisation: string;
  signature: CaseSignature | undefined;
}) {
  const { ctx, row, type, signature } = props;
  const { t, lang, site } = ctx;
  const number = row.case_number ?? '';
  const submittedAt = row.submitted_at ?? signature?.signedAt;
  return (
    <Layout ctx={ctx} title={t['cases.confirm.title']({ number })}>
      <h1>{t['cases.confirm.heading']}</h1>
      <Notice kind="success">
        <p class="confirm-number">
          {t['cases.confirm.numberLead']} <strong class="nowrap">{number}</strong>
        </p>
      </Notice>
      <dl class="facts">
        <dt>{t['cases.col.title']}</dt>
        <dd>{props.title}</dd>
        <dt>{t['cases.facts.type']}</dt>
        <dd>{type.name[lang]}</dd>
        <dt>{t['cases.facts.organisation']}</dt>
        <dd>{props.organisation}</dd>
        <dt>{t['cases.facts.submittedAt']}</dt>
        <dd>{submittedAt ? formatDateTime(lang, new Date(submittedAt), site.timeZone) : ''}</dd>
        {signature ? (
          <>
            <dt>{t['cases.facts.submittedBy']}</dt>
            <dd>{`${signature.signerName ?? ''} – ${methodName(t, signature.method)}`}</dd>
          </>
        ) : null}
      </dl>
      <section aria-labelledby="receipt-h">
        <h2 id="receipt-h">{t['cases.confirm.receiptHeading']}</h2>
        <p>{t['cases.confirm.receiptText']}</p>
        <p class="button-row">
          <a class="button-primary" href={`/cases/${row.id}/receipt.pdf`} download>
            {t['cases.receipt']}
          </a>
          <a class="button-secondary" href={`/cases/${row.id}/signature`}>
            {t['cases.verify']}
          </a>
        </p>
      </section>
      <section aria-labelledby="next-h">
        <h2 id="next-h">{t['cases.confirm.nextHeading']}</h2>
        <ol class="steps">
          <li>{t['cases.confirm.next1']({ agency: site.agencyShort })}</li>
          <li>{t['cases.confirm.next2']}</li>
          <li>{t['cases.confirm.next3']}</li>
        </ol>
      </section>
      <p class="button-row">
        <a href={`/cases/${row.id}`}>{t['cases.confirm.toCase']}</a>
        <a href="/cases">{t['cases.confirm.toList']}</a>
      </p>
    </Layout>
  );
}
