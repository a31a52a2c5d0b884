/**
 * A table of an organisation's cases: drafts (title, status, last change) or submitted cases
 * and message threads (title, case number, status, submitted, unread messages).
 */
import { formatDateTime } from '../../platform/dates.js';
import type { Lang, Messages } from '../../platform/i18n/index.js';
import type { CaseRow } from '../service.js';
import { TableScroll } from '../../web/table-scroll.js';

export function CaseTable<Row extends CaseRow & { unread: number }>(props: {
  rows: readonly Row[];
  /** The id of the heading that names the table. */
  labelledBy: string;
  submittedCols: boolean;
  titleOf: (row: Row) => string;
  t: Messages;
  lang: Lang;
  timeZone: string;
}) {
  const { rows, submittedCols, t, lang } = props;
  if (rows.length === 0) return <p>{t['cases.none']}</p>;
  const when = (iso: string | null) => (iso ? formatDateTime(lang, new Date(iso), props.timeZone) : '');
  return (
    <TableScroll labelledBy={props.labelledBy}>
      <table aria-labelledby={props.labelledBy}>
        <thead>
          <tr>
            <th scope="col">{t['cases.col.title']}</th>
            {submittedCols ? <th scope="col">{t['cases.col.number']}</th> : null}
            <th scope="col">{t['cases.col.status']}</th>
            <th scope="col">{submittedCols ? t['cases.col.submitted'] : t['cases.col.updated']}</th>
            {submittedCols ? <th scope="col">{t['cases.col.unread']}</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.id}>
              <td>
                <a href={`/cases/${c.id}`}>{props.titleOf(c)}</a>
              </td>
              {submittedCols ? <td>{c.case_number ?? ''}</td> : null}
              <td>{t[`cases.status.${c.status}`]}</td>
              <td>{submittedCols ? when(c.submitted_at) : when(c.updated_at)}</td>
              {submittedCols ? <td>{c.unread > 0 ? <strong>{t['cases.unread']({ count: c.unread })}</strong> : '0'}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
