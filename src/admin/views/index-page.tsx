import type { MessageKey } from '../../platform/i18n/index.js';
import { Layout, type PageContext } from '../../web/layout.js';

/** The sections of the admin side, in the order of the index page. */
export const ADMIN_SECTIONS: readonly { href: string; label: MessageKey; hint: MessageKey | 'requests' }[] = [
  { href: '/admin/plan', label: 'admin.nav.plan', hint: 'admin.nav.planHint' },
  { href: '/admin/people', label: 'admin.nav.people', hint: 'admin.nav.peopleHint' },
  { href: '/admin/organisations', label: 'admin.nav.organisations', hint: 'admin.nav.organisationsHint' },
  { href: '/admin/requests', label: 'admin.nav.requests', hint: 'requests' },
  { href: '/admin/import', label: 'admin.nav.import', hint: 'admin.nav.importHint' },
  { href: '/admin/at-risk', label: 'admin.nav.atRisk', hint: 'admin.nav.atRiskHint' },
  { href: '/admin/audit', label: 'admin.nav.audit', hint: 'admin.nav.auditHint' },
  { href: '/admin/retention', label: 'retention.nav', hint: 'retention.navHint' },
];

export function AdminIndexPage(props: { ctx: PageContext; pendingRequests: number }) {
  const { ctx } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t['admin.title']}>
      <h1>{t['admin.title']}</h1>
      <p class="lead">{t['admin.lead']}</p>
      <nav aria-label={t['admin.sections']}>
        <ul class="admin-sections">
          {ADMIN_SECTIONS.map((s) => (
            <li key={s.href}>
              <a href={s.href}>{t[s.label] as string}</a>
              <p>
                {s.hint === 'requests'
                  ? t['admin.nav.requestsHint']({ count: props.pendingRequests })
                  : (t[s.hint] as string)}
              </p>
            </li>
          ))}
        </ul>
      </nav>
    </Layout>
  );
}
