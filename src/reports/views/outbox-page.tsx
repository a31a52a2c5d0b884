import { formatDateTime } from '../../platform/dates.js';
import { Layout, Notice, type PageContext } from '../../web/layout.js';
import type { OutboxEntry } from '../mail.js';
import { MAIL_DIVIDER } from '../reminder-mail.js';

/** The demo outbox: what would have been e-mailed, clearly not real mail. */
export function OutboxPage(props: { ctx: PageContext; entries: readonly OutboxEntry[] }) {
  const { ctx, entries } = props;
  const { t, lang, site } = ctx;
  return (
    <Layout ctx={ctx} title={t['reports.outbox.title']}>
      <p>
        <a href="/admin/at-risk">{t['reports.outbox.back']}</a>
      </p>
      <h1>{t['reports.outbox.title']}</h1>
      <Notice kind="info">
        <p>{t['reports.outbox.notice']}</p>
      </Notice>
      {entries.length === 0 ? <p>{t['reports.outbox.empty']}</p> : <p>{t['reports.outbox.count']({ count: entries.length })}</p>}
      {entries.map((e, i) => (
        <article key={e.id} aria-labelledby={`mail-${i}`} class="outbox-mail">
          <h2 id={`mail-${i}`}>{e.subject}</h2>
          <dl class="facts">
            <dt>{t['reports.outbox.to']}</dt>
            <dd>{`${e.to.name} <${e.to.address}>`}</dd>
            <dt>{t['reports.outbox.from']}</dt>
            <dd>{e.from}</dd>
            <dt>{t['reports.outbox.at']}</dt>
            <dd>{formatDateTime(lang, e.at, site.timeZone)}</dd>
          </dl>
          {/* The reminder is Swedish, then English below a divider: mark each part's language. */}
          {e.text.split(MAIL_DIVIDER).map((part, j) => (
            <pre class="sign-text" key={j} lang={j === 0 ? 'sv' : 'en'}>
              {part.trim()}
            </pre>
          ))}
        </article>
      ))}
    </Layout>
  );
}
