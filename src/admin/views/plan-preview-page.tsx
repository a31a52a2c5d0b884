/**
 * The preview of a date: what the login page and Kundwebbinfo show at local midnight of that
 * day with the saved plan, rendered by the pages' own components so the preview cannot
 * drift from them. Each page is shown in a frame that cannot be mistaken for the live page:
 * a banner that says it is a preview and of which day, a dashed border, and login buttons
 * drawn as something that cannot be used. The banner is the heading that names the frame's
 * region, so the page outline reads "Förhandsvisning – …" above the previewed headings.
 */
import { InfoNowSection, InfoTimetableSection } from '../../info/views/info-page.js';
import type { TimetableEntry } from '../../info/timetable.js';
import { formatDate } from '../../platform/dates.js';
import type { PlannedMethod } from '../../login/plan.js';
import { LoginMethodList, type LoginMethodView } from '../../login/views/login-page.js';
import type { PageContext } from '../../web/layout.js';
import type { FieldErrors } from '../validate.js';
import { AdminPage, ErrorSummary, TextField } from './components.js';

export function PreviewForm(props: { ctx: PageContext; value: string; error: FieldErrors[string] | undefined }) {
  const { ctx } = props;
  const { t } = ctx;
  return (
    <form method="get" action="/admin/plan/preview" noValidate>
      <p>{t['admin.preview.intro']}</p>
      <TextField
        ctx={ctx}
        id="preview-date"
        name="date"
        type="text"
        label={t['admin.preview.date']}
        value={props.value}
        required
        hint={t['admin.preview.dateHint']}
        error={props.error}
      />
      <button type="submit" class="button-secondary">
        {t['admin.preview.submit']}
      </button>
    </form>
  );
}

export function PreviewPage(props: {
  ctx: PageContext;
  value: string;
  errors: FieldErrors;
  at: Date | undefined;
  login: { enabled: readonly LoginMethodView[]; planned: readonly PlannedMethod[] } | undefined;
  entries: readonly TimetableEntry[] | undefined;
}) {
  const { ctx, at } = props;
  const { t, lang, site } = ctx;
  return (
    <AdminPage
      ctx={ctx}
      title={t['admin.preview.title']}
      back={{ href: '/admin/plan', label: t['admin.preview.back'] }}
    >
      <ErrorSummary
        ctx={ctx}
        saves={false}
        items={[{ id: 'preview-date', label: t['admin.preview.date'], error: props.errors['date'] }]}
      />
      <PreviewForm ctx={ctx} value={props.value} error={props.errors['date']} />
      {at && props.login && props.entries ? (
        <>
          <p class="callout">{t['admin.preview.showing']({ date: formatDate(lang, at, site.timeZone) })}</p>
          <section aria-labelledby="preview-login" class="preview-frame" data-preview="login">
            <h2 id="preview-login" class="preview-banner">
              {t['admin.preview.frame']({ page: t['admin.preview.loginPage'], date: formatDate(lang, at, site.timeZone) })}
            </h2>
            <p class="preview-note">{t['admin.preview.inert']}</p>
            <div class="preview-body">
              <LoginMethodList
                ctx={ctx}
                site={site}
                now={at}
                enabled={props.login.enabled}
                planned={props.login.planned}
                level={3}
                startControl={(label) => <span class="preview-button">{label}</span>}
              />
            </div>
          </section>
          <section aria-labelledby="preview-info" class="preview-frame" data-preview="info">
            <h2 id="preview-info" class="preview-banner">
              {t['admin.preview.frame']({ page: t['admin.preview.infoPage'], date: formatDate(lang, at, site.timeZone) })}
            </h2>
            <div class="preview-body">
              <InfoNowSection ctx={ctx} site={site} entries={props.entries} now={at} level={3} />
              <InfoTimetableSection ctx={ctx} site={site} entries={props.entries} now={at} level={3} />
            </div>
          </section>
        </>
      ) : null}
    </AdminPage>
  );
}
