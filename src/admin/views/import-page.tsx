import type { ImportCheck, ImportProblem } from '../../accounts/import.js';
import { formatOrgnr } from '../../accounts/orgnr.js';
import { formatPersonalNumber } from '../../identity/personnummer.js';
import { format } from '../../platform/i18n/index.js';
import { Notice, type PageContext } from '../../web/layout.js';
import type { FieldError } from '../validate.js';
import { AdminPage, Csrf, Done, ErrorSummary, TextArea } from './components.js';
import { TableScroll } from '../../web/table-scroll.js';

export function ImportPage(props: {
  ctx: PageContext;
  csv: string;
  /** A problem with the field itself (empty). */
  error: FieldError | undefined;
  /** What a check or a refused import found. */
  result: ImportCheck | undefined;
  done: { persons: number; memberships: number } | undefined;
}) {
  const { ctx, result } = props;
  const { t } = ctx;
  const problems: readonly ImportProblem[] = result && !result.ok ? result.problems : [];
  const fieldError: FieldError | undefined =
    props.error ??
    (problems.length > 0 ? { key: 'import.refused', params: { count: problems.length } } : undefined);
  const line = (p: ImportProblem) => t['import.line']({ line: p.line, message: format(t, p.key, p.params) });
  return (
    <AdminPage ctx={ctx} title={t['admin.import.title']}>
      <ErrorSummary
        ctx={ctx}
        items={[{ id: 'import-csv', label: t['admin.import.csv'], error: fieldError }]}
      />
      <Done text={props.done ? t['import.done'](props.done) : undefined} />
      <p class="lead">{t['admin.import.lead']}</p>
      {problems.length > 0 ? (
        <section aria-labelledby="import-problems" class="admin-card">
          <h2 id="import-problems">{t['admin.import.problems']}</h2>
          <ul id="import-problem-list">
            {problems.map((p, i) => (
              <li key={`${p.line}-${i}`}>{line(p)}</li>
            ))}
          </ul>
        </section>
      ) : null}
      {result?.ok ? (
        <section aria-labelledby="import-preview" class="admin-card">
          <h2 id="import-preview">{t['admin.import.previewCaption']}</h2>
          <Notice kind="success">
            <p>{t['admin.import.ok']({ persons: result.persons, memberships: result.memberships })}</p>
          </Notice>
          <TableScroll label={t['admin.import.previewCaption']}>
            <table>
              <caption class="visually-hidden">{t['admin.import.previewCaption']}</caption>
              <thead>
                <tr>
                  <th scope="col">{t['admin.import.col.line']}</th>
                  <th scope="col">{t['admin.import.col.name']}</th>
                  <th scope="col">{t['admin.import.col.personnummer']}</th>
                  <th scope="col">{t['admin.import.col.org']}</th>
                  <th scope="col">{t['admin.import.col.role']}</th>
                  <th scope="col">{t['admin.import.col.person']}</th>
                </tr>
              </thead>
              <tbody>
                {result.rows.map((r) => (
                  <tr key={r.line}>
                    <td>{r.line}</td>
                    <th scope="row">{r.name}</th>
                    <td>{formatPersonalNumber(r.personnummer)}</td>
                    <td>{formatOrgnr(r.orgnr)}</td>
                    <td>{t[`admin.role.${r.role}`]}</td>
                    <td>{r.newPerson ? t['admin.import.newPerson'] : t['admin.import.knownPerson']}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </section>
      ) : null}
      <form method="post" action="/admin/import" noValidate>
        <Csrf ctx={ctx} />
        <TextArea
          ctx={ctx}
          id="import-csv"
          name="csv"
          label={t['admin.import.csv']}
          value={props.csv}
          required
          rows={12}
          hint={t['admin.import.csvHint']}
          error={fieldError}
        />
        <div class="button-row">
          <button type="submit" name="action" value="check" class="button-secondary">
            {t['admin.import.check']}
          </button>
          <button type="submit" name="action" value="import" class="button-primary">
            {t['admin.import.run']}
          </button>
        </div>
      </form>
    </AdminPage>
  );
}
