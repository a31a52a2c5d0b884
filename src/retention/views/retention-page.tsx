import { AdminPage } from '../../admin/views/components.js';
import { formatDateTime } from '../../platform/dates.js';
import type { PageContext } from '../../web/layout.js';
import { TableScroll } from '../../web/table-scroll.js';
import { COUNT_TYPES } from '../messages.js';
import type { PurgeCounts, PurgeRun } from '../purge.js';
import { periodOf, RULE_IDS, type RetentionRules, type RuleId } from '../rules.js';

export interface RetentionView {
  rules: RetentionRules;
  runs: readonly PurgeRun[];
  /** Computed only when asked for (`?preview=1`). */
  preview: (PurgeCounts & { capped?: boolean }) | undefined;
  previewCap: number;
  /** The id of the purge running now, if any (its row is not "interrupted"). */
  running: string | undefined;
}

/** "2 cases, 3 attachments" in the reader's language; "Nothing" when all are 0. */
function CountList(props: { ctx: PageContext; counts: Record<string, number> | undefined }) {
  const { t } = props.ctx;
  const shown = COUNT_TYPES.filter((type) => (props.counts?.[type] ?? 0) > 0);
  if (shown.length === 0) return <>{t['retention.nothing']}</>;
  return <>{shown.map((type) => t[`retention.type.${type}`]({ count: props.counts?.[type] ?? 0 })).join(', ')}</>;
}

function periodText(ctx: PageContext, rules: RetentionRules, id: RuleId): string {
  const period = periodOf(rules, id);
  if (!period) return ctx.t['retention.period.atExpiry'];
  return ctx.t[`retention.period.${period.unit}`]({ count: period.count });
}

/** Sums a run's counts over its rules, per type. */
function totals(counts: PurgeCounts): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const perType of Object.values(counts)) for (const [type, n] of Object.entries(perType ?? {})) sum[type] = (sum[type] ?? 0) + n;
  return sum;
}

/** The admin's view of the retention rules, the latest purges and, on request, what a purge would remove today. */
export function RetentionPage(props: { ctx: PageContext; view: RetentionView }) {
  const { ctx, view } = props;
  const { t, lang, site } = ctx;
  return (
    <AdminPage ctx={ctx} title={t['retention.title']}>
      <p class="lead">{t['retention.lead']}</p>
      <TableScroll label={t['retention.rules.caption']}>
        <table>
          <caption>{t['retention.rules.caption']}</caption>
          <thead>
            <tr>
              <th scope="col">{t['retention.col.rule']}</th>
              <th scope="col">{t['retention.col.period']}</th>
              <th scope="col">{t['retention.col.description']}</th>
            </tr>
          </thead>
          <tbody>
            {RULE_IDS.map((id) => (
              <tr key={id} data-rule={id}>
                <th scope="row">{t[`retention.rule.${id}`]}</th>
                <td>{periodText(ctx, view.rules, id)}</td>
                <td>{view.rules[id].description[lang]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>

      <h2 id="runs">{t['retention.runs.heading']}</h2>
      {view.runs.length === 0 ? (
        <p>{t['retention.runs.none']}</p>
      ) : (
        <TableScroll label={t['retention.runs.caption']}>
          <table>
            <caption>{t['retention.runs.caption']}</caption>
            <thead>
              <tr>
                <th scope="col">{t['retention.col.started']}</th>
                <th scope="col">{t['retention.col.kind']}</th>
                <th scope="col">{t['retention.col.by']}</th>
                <th scope="col">{t['retention.col.counts']}</th>
              </tr>
            </thead>
            <tbody>
              {view.runs.map((run) => (
                <tr key={run.id} data-run={run.id}>
                  <th scope="row">
                    <time dateTime={run.startedAt}>{formatDateTime(lang, new Date(run.startedAt), site.timeZone)}</time>
                  </th>
                  <td>
                    {run.dryRun ? t['retention.run.dryRun'] : t['retention.run.purge']}
                    {run.finishedAt === null && run.id !== view.running ? ` (${t['retention.run.interrupted']})` : ''}
                  </td>
                  <td>{t[`retention.trigger.${run.trigger}`]({ instance: run.instance })}</td>
                  <td>
                    <CountList ctx={ctx} counts={totals(run.counts)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}

      <h2 id="preview">{t['retention.preview.heading']}</h2>
      {view.preview === undefined ? (
        <p>
          <a href="/admin/retention?preview=1#preview">{t['retention.preview.show']}</a> {t['retention.preview.hint']}
        </p>
      ) : (
        <>
          {view.preview.capped ? <p>{t['retention.preview.capped']({ cap: view.previewCap })}</p> : null}
          <TableScroll label={t['retention.preview.caption']}>
            <table data-preview="">
              <caption>{t['retention.preview.caption']}</caption>
              <thead>
                <tr>
                  <th scope="col">{t['retention.col.rule']}</th>
                  <th scope="col">{t['retention.col.wouldRemove']}</th>
                </tr>
              </thead>
              <tbody>
                {RULE_IDS.map((id) => (
                  <tr key={id} data-rule={id}>
                    <th scope="row">{t[`retention.rule.${id}`]}</th>
                    <td>{id === 'expiredStoreRows' ? t['retention.preview.notCounted'] : <CountList ctx={ctx} counts={view.preview?.[id]} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </AdminPage>
  );
}
