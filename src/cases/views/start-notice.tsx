/**
 * The start page's word about cases: unread messages from case officers, waiting drafts,
 * and the organisation's most recently changed cases.
 */
import type { Lang, Messages } from '../../platform/i18n/index.js';
import { Notice } from '../../web/layout.js';
import type { CaseStatus } from '../../platform/db/schema.js';
import type { StartNotice } from '../../login/routes.js';

export interface CasesStartSummary {
  unread: number;
  drafts: number;
  recent: { id: string; title: string; caseNumber: string | null; status: CaseStatus; unread: number }[];
}

export function CasesStartNotice(props: { summary: CasesStartSummary; t: Messages }) {
  const { summary, t } = props;
  return (
    <section aria-labelledby="start-cases-h">
      <h2 id="start-cases-h">{t['cases.title']}</h2>
      {summary.unread > 0 || summary.drafts > 0 ? (
        <Notice kind="info">
          {summary.unread > 0 ? (
            <p>
              <strong>{t['cases.startUnread']({ count: summary.unread })}</strong>
            </p>
          ) : null}
          {summary.drafts > 0 ? <p>{t['cases.startDrafts']({ count: summary.drafts })}</p> : null}
        </Notice>
      ) : null}
      {summary.recent.length > 0 ? (
        <ul>
          {summary.recent.map((c) => (
            <li key={c.id}>
              <a href={`/cases/${c.id}`}>{c.caseNumber ? `${c.caseNumber} – ${c.title}` : c.title}</a>
              {` (${t[`cases.status.${c.status}`]}${c.unread > 0 ? `, ${t['cases.unread']({ count: c.unread })}` : ''})`}
            </li>
          ))}
        </ul>
      ) : null}
      <p>
        <a href="/cases">{t['cases.startLink']}</a>
        {' · '}
        <a href="/cases/new">{t['cases.new']}</a>
      </p>
    </section>
  );
}

/** The start page's notice about the cases of the organisation a person acts for. */
export function casesStartNotice(cases: { startSummary(orgnr: string, reader: string, lang: Lang): Promise<CasesStartSummary> }): StartNotice {
  return async (request, principal) => {
    if (!principal.orgnr) return null;
    const summary = await cases.startSummary(principal.orgnr, principal.personnummer, request.lang);
    return <CasesStartNotice summary={summary} t={request.t} />;
  };
}
