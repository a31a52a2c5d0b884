import { Layout, Notice, type PageContext } from '../../web/layout.js';
import type { ReminderSummary } from '../reminders.js';
import { REMINDER_INTERVAL_DAYS } from '../reminders.js';

/** What a reminder run did, or that another run is still going. */
export function ReminderResultPage(props: { ctx: PageContext; result: ReminderSummary | 'busy'; backHref: string }) {
  const { ctx, result, backHref } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t['reports.result.title']}>
      <h1>{t['reports.result.title']}</h1>
      {result === 'busy' ? (
        <Notice kind="error">
          <p>{t['reports.result.busy']}</p>
        </Notice>
      ) : (
        <Notice kind={result.failed > 0 || result.notAttempted > 0 ? 'error' : 'success'}>
          <ul data-summary="reminder-result">
            <li>{t['reports.result.sent']({ count: result.sent })}</li>
            <li>{t['reports.result.recent']({ count: result.recentlyReminded, days: REMINDER_INTERVAL_DAYS })}</li>
            <li>{t['reports.result.noAddress']({ count: result.noAddress })}</li>
            {result.failed > 0 ? <li>{t['reports.result.failed']({ count: result.failed })}</li> : null}
            {result.notAttempted > 0 ? <li>{t['reports.result.notAttempted']({ count: result.notAttempted })}</li> : null}
          </ul>
        </Notice>
      )}
      {result !== 'busy' && result.transport === 'outbox' ? (
        <p>
          {t['reports.remind.outbox']} <a href="/admin/outbox">{t['reports.outbox.title']}</a>
        </p>
      ) : null}
      <p>
        <a href={backHref}>{t['reports.result.back']}</a>
      </p>
    </Layout>
  );
}
