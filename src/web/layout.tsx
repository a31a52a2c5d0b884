/**
 * The page layout every HTML page shares: language attribute, skip link, landmarks
 * (header/nav/main/footer), the language switch that keeps the current page, the logout
 * form, and the idle-timeout warning dialog (WCAG 2.2.1) for logged-in users.
 */
import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import { formatDuration } from '../platform/dates.js';
import type { Lang, Messages } from '../platform/i18n/index.js';
import type { SiteInfo } from '../platform/site.js';
import type { Principal } from '../identity/sessions.js';

export interface PageContext {
  lang: Lang;
  t: Messages;
  /** The current path and query, for the language switch. */
  path: string;
  site: SiteInfo;
  principal: Principal | undefined;
  /** CSRF token, present when the page has forms (always when logged in). */
  csrf: string | undefined;
  /** Epoch ms when the session ends if idle; drives the warning dialog. */
  sessionExpiresAt: number | undefined;
  /** The server's time when the page was made: the warning counts from it, not the PC's clock. */
  serverNow?: number;
  /** A demo or test instance: every page says so, since it uses the agency's name and address. */
  demo?: boolean;
  warningSeconds: number;
}

/** The HTTP status of the page being rendered (sendHtml provides it). */
export const PageStatus = createContext(200);

export function Layout(props: {
  ctx: PageContext;
  title: string;
  /** The page tells of a failed attempt although it answers 200 (a refused signature, a failed BankID order). */
  failed?: boolean;
  children: ComponentChildren;
}) {
  const { ctx, title } = props;
  const { t, lang, principal } = ctx;
  // A refused or failed page says so first in its title (the first thing a screen reader
  // reads after a reload); the site's name is added unless the title already holds it.
  const status = useContext(PageStatus);
  const failed = props.failed === true || status >= 400;
  const fullTitle = `${failed ? `${t['layout.errorPrefix']} ` : ''}${title}${title.includes(t['site.name']) ? '' : ` – ${t['site.name']}`}`;
  const other: Lang = lang === 'sv' ? 'en' : 'sv';
  const switchHref = `/lang/${other}?return=${encodeURIComponent(ctx.path)}`;
  return (
    <html lang={lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{fullTitle}</title>
        <link rel="stylesheet" href="/static/app.css" />
        {ctx.csrf ? <meta name="csrf-token" content={ctx.csrf} /> : null}
      </head>
      <body>
        {ctx.demo ? (
          <p class="demo-banner" role="note">
            {t['layout.demo']}
          </p>
        ) : null}
        <a class="skip-link" href="#main">
          {t['layout.skip']}
        </a>
        <header class="site-header">
          <div class="wrap header-row">
            <a class="brand" href="/">
              {t['site.name']} <span class="brand-agency">{ctx.site.agencyShort}</span>
            </a>
            <nav aria-label={t['layout.nav']}>
              <ul class="nav-list">
                {principal ? (
                  <>
                    <li>
                      <a href="/start">{t['layout.nav.start']}</a>
                    </li>
                    {principal.orgnr ? (
                      <>
                        <li>
                          <a href="/cases">{t['cases.nav']}</a>
                        </li>
                        <li>
                          <a href="/register">{t['register.nav']}</a>
                        </li>
                        <li>
                          <a href="/organisation/users">{t['orgUsers.nav']}</a>
                        </li>
                      </>
                    ) : null}
                    {principal.staff.length > 0 ? (
                      <li>
                        <a href="/officer/cases">{t['cases.officer.nav']}</a>
                      </li>
                    ) : null}
                  </>
                ) : (
                  <li>
                    <a href="/login">{t['layout.nav.login']}</a>
                  </li>
                )}
                {principal?.staff.includes('admin') ? (
                  <li>
                    <a href="/admin">{t['admin.nav.link']}</a>
                  </li>
                ) : null}
                <li>
                  <a href="/info">{t['layout.nav.info']}</a>
                </li>
                <li>
                  <a href={switchHref} lang={other} hrefLang={other} aria-label={t['lang.switchToLabel']}>
                    {t['lang.switchTo']}
                  </a>
                </li>
              </ul>
            </nav>
            {principal && ctx.csrf ? (
              <div class="user-box">
                <span>
                  {t['layout.loggedInAs']({ name: principal.name })}
                  {principal.orgName ? (
                    <>
                      {' '}
                      <strong class="acting-org">{t['layout.actingFor']({ org: principal.orgName })}</strong>
                    </>
                  ) : null}
                  {(principal.orgChoices ?? 0) > 1 ? (
                    <>
                      {' · '}
                      <a href="/start/organisation">{principal.orgName ? t['layout.changeOrg'] : t['layout.chooseOrg']}</a>
                    </>
                  ) : null}
                </span>
                <form method="post" action="/logout" class="inline-form">
                  <input type="hidden" name="_csrf" value={ctx.csrf} />
                  <button type="submit" class="button-secondary">
                    {t['logout.button']}
                  </button>
                </form>
              </div>
            ) : null}
          </div>
        </header>
        <main id="main" tabIndex={-1} class="wrap">
          {props.children}
        </main>
        <footer class="site-footer">
          <div class="wrap">
            <nav aria-label={t['layout.footer']}>
              <ul class="footer-list">
                <li>
                  <a href="/tillganglighet">{t['layout.footer.accessibility']}</a>
                </li>
                <li>
                  <a href="/info">{t['layout.footer.info']}</a>
                </li>
                <li>
                  <a href={`mailto:${ctx.site.supportEmail}`}>
                    {t['layout.footer.contact']({ email: ctx.site.supportEmail })}
                  </a>
                </li>
              </ul>
            </nav>
            <p class="fraud-warning">{t['layout.fraudWarning']}</p>
          </div>
        </footer>
        {principal && ctx.sessionExpiresAt !== undefined ? <SessionWarning ctx={ctx} /> : null}
      </body>
    </html>
  );
}

function SessionWarning({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  const minutesText = formatDuration(ctx.lang, Math.max(60, Math.round(ctx.warningSeconds / 60) * 60));
  return (
    <>
      <div
        id="session-warning"
        class="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="session-warning-title"
        aria-describedby="session-warning-body"
        data-expires-at={String(ctx.sessionExpiresAt)}
        data-warning-seconds={String(ctx.warningSeconds)}
        data-server-now={ctx.serverNow === undefined ? undefined : String(ctx.serverNow)}
        hidden
      >
        <h2 id="session-warning-title">{t['session.warning.title']}</h2>
        <p id="session-warning-body">{t['session.warning.body']({ minutes: minutesText })}</p>
        <div class="button-row">
          <button type="button" id="session-stay" class="button-primary">
            {t['session.warning.stay']}
          </button>
          <button type="button" id="session-logout" class="button-secondary">
            {t['session.warning.logout']}
          </button>
        </div>
      </div>
      <p id="session-status" class="visually-hidden" role="status" aria-live="polite" data-extended={t['session.warning.extended']}></p>
      <script src="/static/session.js" defer></script>
    </>
  );
}

/**
 * A message box: status for good news, alert for problems. Good news and problems are what
 * the last action led to (saved, uploaded, refused), so the page opens on them: the box takes
 * the focus at load (after a reload too), and a screen reader reads it first. Information
 * (`info`) leaves the focus where it is.
 */
export function Notice(props: { kind: 'info' | 'success' | 'error'; children: ComponentChildren }) {
  const result = props.kind !== 'info';
  return (
    <div
      class={`notice notice-${props.kind}`}
      role={props.kind === 'error' ? 'alert' : 'status'}
      {...(result ? { tabIndex: -1, autofocus: true } : {})}
    >
      {props.children}
    </div>
  );
}
