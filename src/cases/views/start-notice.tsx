/** The start page's word about cases: unread messages from case officers and waiting drafts. */
import type { Messages } from '../../platform/i18n/index.js';
import { Notice } from '../../platform/views/layout.js';

export function CasesStartNotice(props: { summary: { unread: number; drafts: number }; t: Messages }) {
  const { summary, t } = props;
  return (
    <Notice kind="info">
      {summary.unread > 0 ? (
        <p>
          <strong>{t['cases.startUnread']({ count: summary.unread })}</strong>
        </p>
      ) : null}
      {summary.drafts > 0 ? <p>{t['cases.startDrafts']({ count: summary.drafts })}</p> : null}
      <p>
        <a href="/cases">{t['cases.startLink']}</a>
      </p>
    </Notice>
  );
}
