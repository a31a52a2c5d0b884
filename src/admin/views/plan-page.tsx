/**
 * The rollout plan for staff, at a glance: a short card per method (its status today, start
 * date, how the start is written for users, end date; four columns that line up from card to
 * card on a wide screen, label and value side by side on a phone) with a link to the method's
 * edit page (`plan-edit-page.tsx`), and the form that previews a date (`plan-preview-page.tsx`).
 */
import type { MethodId } from '../../identity/methods.js';
import { describePlanDateLong } from '../../login/plan-dates.js';
import { statusAt, type PlannedMethod } from '../../login/plan.js';
import { formatDate } from '../../platform/dates.js';
import type { PageContext } from '../../web/layout.js';
import { Notice } from '../../web/layout.js';
import { AdminPage } from './components.js';
import { methodName, planInstant, StatusText } from './plan-parts.js';
import { PreviewForm } from './plan-preview-page.js';

export interface SavedNotice {
  method: MethodId;
  /** The start of the method as ÅÅÅÅ-MM-DD and as an instant: the preview the notice links to. */
  previewDate: string;
  startsAt: Date;
}

export function PlanPage(props: {
  ctx: PageContext;
  methods: readonly PlannedMethod[];
  now: Date;
  saved: SavedNotice | undefined;
}) {
  const { ctx, methods, now, saved } = props;
  const { t, lang } = ctx;
  const tz = ctx.site.timeZone;
  return (
    <AdminPage ctx={ctx} title={t['admin.plan.title']}>
      {saved ? (
        <Notice kind="success">
          <p>{t['admin.plan.saved']({ method: methodName(ctx, saved.method) })}</p>
          <p>
            <a href={`/admin/plan/preview?date=${saved.previewDate}`}>
              {t['admin.plan.savedPreview']({ date: formatDate(lang, saved.startsAt, tz) })}
            </a>
          </p>
        </Notice>
      ) : null}
      <p class="lead">{t['admin.plan.lead']}</p>
      <ul class="plan-list">
        {methods.map((m) => {
          const name = methodName(ctx, m.id);
          return (
            <li key={m.id} class="plan-card" data-method={m.id}>
              <div class="plan-card-head">
                <h2 id={`method-${m.id}`}>{name}</h2>
                <a href={`/admin/plan/${m.id}`}>
                  {t['admin.plan.editLink']}
                  <span class="visually-hidden">{` ${name}`}</span>
                </a>
              </div>
              <dl class="plan-facts">
                <div>
                  <dt>{t['admin.plan.status']}</dt>
                  <dd>
                    <StatusText ctx={ctx} status={statusAt(m, now)} />
                  </dd>
                </div>
                <div>
                  <dt>{t['admin.plan.enabledFrom']}</dt>
                  <dd>
                    <time dateTime={m.enabledFrom.toISOString()}>{planInstant(lang, m.enabledFrom, tz)}</time>
                  </dd>
                </div>
                <div>
                  <dt>{t['admin.plan.announced']}</dt>
                  <dd>{describePlanDateLong(lang, m.enabledFrom, m.announceAs, tz)}</dd>
                </div>
                <div>
                  <dt>{t['admin.plan.enabledUntil']}</dt>
                  <dd>
                    {m.enabledUntil ? (
                      <time dateTime={m.enabledUntil.toISOString()}>{planInstant(lang, m.enabledUntil, tz)}</time>
                    ) : (
                      t['admin.plan.noEnd']
                    )}
                  </dd>
                </div>
              </dl>
            </li>
          );
        })}
      </ul>
      <section aria-labelledby="preview-heading" class="admin-card">
        <h2 id="preview-heading">{t['admin.preview.heading']}</h2>
        <PreviewForm ctx={ctx} value="" error={undefined} />
      </section>
    </AdminPage>
  );
}
