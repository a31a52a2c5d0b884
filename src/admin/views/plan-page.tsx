/** The rollout plan for staff: each method's dates and notices with an edit form, and the date preview. */
import { InfoNowSection, InfoTimetableSection } from '../../info/views/info-page.js';
import type { TimetableEntry } from '../../info/timetable.js';
import type { MethodId } from '../../identity/methods.js';
import { ANNOUNCE_AS, describePlanDateLong } from '../../login/plan-dates.js';
import { formatDate, formatDateTime } from '../../platform/dates.js';
import { statusAt, type PlannedMethod } from '../../login/plan.js';
import { LoginMethodList, type LoginMethodView } from '../../login/views/login-page.js';
import type { PageContext } from '../../web/layout.js';
import { NOTICE_MAX, type PlanFormValues } from '../plan-form.js';
import type { FieldErrors } from '../validate.js';
import { AdminPage, Csrf, Done, ErrorSummary, SelectField, TextArea, TextField } from './components.js';

export interface PlanEditState {
  method: MethodId;
  values: PlanFormValues;
  errors: FieldErrors;
}

function methodName(ctx: PageContext, id: MethodId): string {
  return ctx.t[`method.${id}.name`];
}

export function PlanPage(props: {
  ctx: PageContext;
  methods: readonly PlannedMethod[];
  now: Date;
  /** The form values per method (current values, or what was typed into a refused form). */
  values: ReadonlyMap<MethodId, PlanFormValues>;
  /** The refused form, if any. */
  refused: PlanEditState | undefined;
  saved: MethodId | undefined;
}) {
  const { ctx, methods, now, refused } = props;
  const { t, lang } = ctx;
  const tz = ctx.site.timeZone;
  const labels = fieldLabels(ctx);
  return (
    <AdminPage ctx={ctx} title={t['admin.plan.title']}>
      {refused ? (
        <ErrorSummary
          ctx={ctx}
          items={(Object.keys(labels) as (keyof PlanFormValues)[]).map((name) => ({
            id: `${refused.method}-${name}`,
            label: `${methodName(ctx, refused.method)}: ${labels[name]}`,
            error: refused.errors[name],
          }))}
        />
      ) : null}
      <Done
        text={props.saved ? t['admin.plan.saved']({ method: methodName(ctx, props.saved) }) : undefined}
      />
      <p class="lead">{t['admin.plan.lead']}</p>
      {methods.map((m) => {
        const name = methodName(ctx, m.id);
        const values = props.values.get(m.id);
        const errors = refused?.method === m.id ? refused.errors : {};
        const status = statusAt(m, now);
        if (!values) return null;
        return (
          <section key={m.id} aria-labelledby={`method-${m.id}`} class="admin-card" data-method={m.id}>
            <h2 id={`method-${m.id}`}>{name}</h2>
            <dl class="facts">
              <dt>{t['admin.plan.status']}</dt>
              <dd>
                <span class={`status status-${status}`}>{t[`info.status.${status}`]}</span>
              </dd>
              <dt>{t['admin.plan.enabledFrom']}</dt>
              <dd>
                <time
                  dateTime={m.enabledFrom.toISOString()}
                >{`${describePlanDateLong(lang, m.enabledFrom, m.announceAs, tz)} (${formatDateTime(lang, m.enabledFrom, tz)})`}</time>
              </dd>
              <dt>{t['admin.plan.enabledUntil']}</dt>
              <dd>
                {m.enabledUntil ? (
                  <time dateTime={m.enabledUntil.toISOString()}>
                    {formatDateTime(lang, m.enabledUntil, tz)}
                  </time>
                ) : (
                  t['admin.plan.noEnd']
                )}
              </dd>
              <dt>{t['admin.plan.announceAs']}</dt>
              <dd>{t[`admin.plan.announce.${m.announceAs}`]({ example: describePlanDateLong(lang, m.enabledFrom, m.announceAs, tz) })}</dd>
              <dt>{t['admin.plan.noticeSv']}</dt>
              <dd lang={m.notice ? 'sv' : undefined}>{m.notice?.sv ?? t['admin.plan.noNotice']}</dd>
              <dt>{t['admin.plan.noticeEn']}</dt>
              <dd lang={m.notice ? 'en' : undefined}>{m.notice?.en ?? t['admin.plan.noNotice']}</dd>
            </dl>
            <form method="post" action={`/admin/plan/${m.id}`} aria-labelledby={`edit-${m.id}`} noValidate>
              <h3 id={`edit-${m.id}`}>{t['admin.plan.edit']({ method: name })}</h3>
              <Csrf ctx={ctx} />
              <TextField
                ctx={ctx}
                id={`${m.id}-enabledFrom`}
                name="enabledFrom"
                label={labels.enabledFrom}
                value={values.enabledFrom}
                required
                hint={t['admin.plan.dateHint']}
                error={errors['enabledFrom']}
              />
              <TextField
                ctx={ctx}
                id={`${m.id}-enabledUntil`}
                name="enabledUntil"
                label={labels.enabledUntil}
                value={values.enabledUntil}
                hint={t['admin.plan.untilHint']}
                error={errors['enabledUntil']}
              />
              <SelectField
                ctx={ctx}
                id={`${m.id}-announceAs`}
                name="announceAs"
                label={labels.announceAs}
                value={values.announceAs}
                required
                error={errors['announceAs']}
                // Each way, shown with this method's own start date (it read "15 september" for any date).
                options={ANNOUNCE_AS.map((a) => ({ value: a, label: t[`admin.plan.announce.${a}`]({ example: describePlanDateLong(lang, m.enabledFrom, a, tz) }) }))}
              />
              <TextArea
                ctx={ctx}
                id={`${m.id}-noticeSv`}
                name="noticeSv"
                label={labels.noticeSv}
                value={values.noticeSv}
                lang="sv"
                hint={t['admin.plan.noticeHint']({ max: NOTICE_MAX })}
                error={errors['noticeSv']}
              />
              <TextArea
                ctx={ctx}
                id={`${m.id}-noticeEn`}
                name="noticeEn"
                label={labels.noticeEn}
                value={values.noticeEn}
                lang="en"
                hint={t['admin.plan.noticeHint']({ max: NOTICE_MAX })}
                error={errors['noticeEn']}
              />
              <button type="submit" class="button-primary">
                {t['admin.plan.save']({ method: name })}
              </button>
            </form>
          </section>
        );
      })}
      <section aria-labelledby="preview-heading" class="admin-card">
        <h2 id="preview-heading">{t['admin.preview.heading']}</h2>
        <PreviewForm ctx={ctx} value="" error={undefined} />
      </section>
    </AdminPage>
  );
}

function fieldLabels(ctx: PageContext): Record<keyof PlanFormValues, string> {
  const { t } = ctx;
  return {
    enabledFrom: t['admin.plan.enabledFrom'],
    enabledUntil: t['admin.plan.enabledUntil'],
    announceAs: t['admin.plan.announceAs'],
    noticeSv: t['admin.plan.noticeSv'],
    noticeEn: t['admin.plan.noticeEn'],
  };
}

function PreviewForm(props: { ctx: PageContext; value: string; error: FieldErrors[string] | undefined }) {
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

/**
 * What the login page and Kundwebbinfo show at `at`, rendered by their own components, so
 * the preview cannot drift from the pages. Each page is shown in a frame that cannot be
 * mistaken for the live page: a banner that says it is a preview and of which day, a dashed
 * border, and login buttons drawn as something that cannot be used. The banner is the
 * heading that names the frame's region, so the outline reads "Förhandsvisning – …" above
 * the previewed headings.
 */
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
