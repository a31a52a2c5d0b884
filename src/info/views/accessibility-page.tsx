/** Tillgänglighetsredogörelse: required of Swedish public-sector sites (DOS-lagen). */
import { Layout, type PageContext } from '../../web/layout.js';
import { formatDate } from '../../platform/dates.js';
import type { SiteInfo } from '../../platform/site.js';

export function AccessibilityPage(props: { ctx: PageContext; site: SiteInfo }) {
  const { ctx, site } = props;
  const { t, lang } = ctx;
  const reviewed = new Date(`${site.accessibilityReviewed}T12:00:00Z`);
  return (
    <Layout ctx={ctx} title={t['a11y.title']}>
      <h1>{t['a11y.title']}</h1>
      <p>{t['a11y.intro']({ agency: site.agency[lang] })}</p>
      <h2>{t['a11y.status.heading']}</h2>
      <p>{t['a11y.status.body']}</p>
      <h2>{t['a11y.known.heading']}</h2>
      <ul>
        <li>{t['a11y.known.card']}</li>
        <li>{t['a11y.known.bankid']}</li>
      </ul>
      <h2>{t['a11y.report.heading']}</h2>
      <p>
        {t['a11y.report.body']} <a href={`mailto:${site.supportEmail}`}>{site.supportEmail}</a>
      </p>
      <h2>{t['a11y.supervision.heading']}</h2>
      <p>
        {t['a11y.supervision.body']} <a href="https://www.digg.se/">digg.se</a>
      </p>
      <p>{t['a11y.assessed']({ date: formatDate(lang, reviewed, site.timeZone) })}</p>
    </Layout>
  );
}
