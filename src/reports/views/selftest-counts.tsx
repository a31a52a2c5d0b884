/** The at-risk page's table of e-ID self-tests per week, method and outcome (issue 17). */
import { methodName } from '../../identity/methods.js';
import type { Messages } from '../../platform/i18n/index.js';
import { TableScroll } from '../../web/table-scroll.js';
import type { SelftestCountRow } from '../selftest-counts.js';

export function SelftestCounts(props: { t: Messages; rows: readonly SelftestCountRow[] }) {
  const { t, rows } = props;
  return (
    <section aria-labelledby="selftest-heading">
      <h2 id="selftest-heading">{t['reports.selftest.heading']}</h2>
      <p>{t['reports.selftest.lead']}</p>
      {rows.length === 0 ? (
        <p>{t['reports.selftest.none']}</p>
      ) : (
        <TableScroll labelledBy="selftest-heading">
          <table data-table="selftests">
            <thead>
              <tr>
                <th scope="col">{t['reports.selftest.week']}</th>
                <th scope="col">{t['reports.selftest.method']}</th>
                <th scope="col">{t['reports.selftest.usage']}</th>
                <th scope="col">{t['reports.selftest.ok']}</th>
                <th scope="col">{t['reports.selftest.failed']}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.year}-${r.week}-${r.subject}-${r.usage}`}>
                  <td>{t['reports.selftest.weekLabel']({ week: r.week, year: r.year })}</td>
                  <td>{r.subject === 'card' ? t['reports.selftest.card'] : methodName(t, r.subject)}</td>
                  <td>{r.usage === 'sign' ? t['reports.selftest.usage.sign'] : t['reports.selftest.usage.login']}</td>
                  <td>{r.ok}</td>
                  <td>{r.failed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
