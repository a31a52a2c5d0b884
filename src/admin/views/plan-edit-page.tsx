/**
 * One method of the rollout plan: its edit form, and the confirmation a change needs when it
 * changes who can log in (what happens, in plain words, and the change field by field). The
 * forms carry the version of the plan they were made from, and the confirmation what it
 * showed, so the route saves only what the admin saw (see `plan-routes.tsx`).
 */
import { ANNOUNCE_AS, describePlanDateLong } from '../../login/plan-dates.js';
import { statusAt, type PlanChange, type PlannedMethod } from '../../login/plan.js';
import { formatDateTime } from '../../platform/dates.js';
import type { Messages } from '../../platform/i18n/index.js';
import { Notice, type PageContext } from '../../web/layout.js';
import { TableScroll } from '../../web/table-scroll.js';
import type { PlanEffect } from '../plan-effects.js';
import { NOTICE_MAX, type PlanFormValues } from '../plan-form.js';
import type { FieldErrors } from '../validate.js';
import { AdminPage, Csrf, ErrorSummary, SelectField, TextArea, TextField } from './components.js';
import { methodName, planInstant, StatusText } from './plan-parts.js';

function fieldLabels(t: Messages): Record<keyof PlanFormValues, string> {
  return {
    enabledFrom: t['admin.plan.enabledFrom'],
    enabledUntil: t['admin.plan.enabledUntil'],
    announceAs: t['admin.plan.announceAs'],
    noticeSv: t['admin.plan.noticeSv'],
    noticeEn: t['admin.plan.noticeEn'],
  };
}

const FIELDS: readonly (keyof PlanFormValues)[] = ['enabledFrom', 'enabledUntil', 'announceAs', 'noticeSv', 'noticeEn'];

const back = (t: Messages) => ({ href: '/admin/plan', label: t['admin.preview.back'] });

export function PlanEditPage(props: {
  ctx: PageContext;
  method: PlannedMethod;
  now: Date;
  /** What the form shows: the saved values, or what was typed. */
  values: PlanFormValues;
  errors: FieldErrors;
  /** The version of the plan the form was made from (see `planVersion`). */
  version: string;
  /** Someone else changed the plan since the form was made: nothing was saved. */
  conflict: boolean;
}) {
  const { ctx, method: m, values, errors } = props;
  const { t, lang } = ctx;
  const tz = ctx.site.timeZone;
  const name = methodName(ctx, m.id);
  const labels = fieldLabels(t);
  const title = t['admin.plan.edit']({ method: name });
  return (
    <AdminPage ctx={ctx} title={title} back={back(t)}>
      <ErrorSummary
        ctx={ctx}
        items={FIELDS.map((f) => ({ id: `${m.id}-${f}`, label: labels[f], error: errors[f] }))}
      />
      {props.conflict ? (
        <Notice kind="error">
          <p>{t['admin.plan.conflict']({ method: name })}</p>
        </Notice>
      ) : null}
      {props.conflict ? (
        <section aria-labelledby="saved-now" class="admin-card">
          <h2 id="saved-now">{t['admin.plan.savedNow']({ method: name })}</h2>
          <SavedValues ctx={ctx} method={m} />
        </section>
      ) : null}
      <dl class="facts">
        <dt>{t['admin.plan.status']}</dt>
        <dd>
          <StatusText ctx={ctx} status={statusAt(m, props.now)} />
        </dd>
        <dt>{t['admin.plan.lastChanged']}</dt>
        <dd>
          <time dateTime={m.updatedAt.toISOString()}>{formatDateTime(lang, m.updatedAt, tz)}</time>
        </dd>
      </dl>
      <p>{t['admin.plan.edit.lead']}</p>
      <form method="post" action={`/admin/plan/${m.id}`} aria-label={title} noValidate>
        <Csrf ctx={ctx} />
        <input type="hidden" name="version" value={props.version} />
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
          options={ANNOUNCE_AS.map((a) => ({
            value: a,
            label: t[`admin.plan.announce.${a}`]({ example: describePlanDateLong(lang, m.enabledFrom, a, tz) }),
          }))}
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
        <div class="button-row">
          <button type="submit" class="button-primary">
            {t['admin.plan.save']({ method: name })}
          </button>
        </div>
      </form>
      <p>
        <a href="/admin/plan">{t['admin.plan.cancel']}</a>
      </p>
    </AdminPage>
  );
}

/** A method's values as saved, as the form names them. */
function SavedValues(props: { ctx: PageContext; method: PlannedMethod }) {
  const { ctx, method: m } = props;
  const labels = fieldLabels(ctx.t);
  const shown = shownValues(ctx, m);
  return (
    <dl class="facts">
      {FIELDS.flatMap((f) => [
        <dt key={`${f}-dt`}>{labels[f]}</dt>,
        <dd key={`${f}-dd`} lang={m.notice ? langOf(f) : undefined}>
          {shown[f]}
        </dd>,
      ])}
    </dl>
  );
}

/** How each field's value reads for people (dates in the display format, the announcement with its example). */
function shownValues(
  ctx: PageContext,
  m: Pick<PlannedMethod, 'enabledFrom' | 'enabledUntil' | 'announceAs' | 'notice'>,
): Record<keyof PlanFormValues, string> {
  const { t, lang } = ctx;
  const tz = ctx.site.timeZone;
  return {
    enabledFrom: planInstant(lang, m.enabledFrom, tz),
    enabledUntil: m.enabledUntil ? planInstant(lang, m.enabledUntil, tz) : t['admin.plan.noEnd'],
    announceAs: t[`admin.plan.announce.${m.announceAs}`]({
      example: describePlanDateLong(lang, m.enabledFrom, m.announceAs, tz),
    }),
    noticeSv: m.notice?.sv ?? t['admin.plan.noNotice'],
    noticeEn: m.notice?.en ?? t['admin.plan.noNotice'],
  };
}

/** One effect in plain words. */
export function effectText(ctx: PageContext, effect: PlanEffect): string {
  const { t, lang } = ctx;
  const tz = ctx.site.timeZone;
  const date = (at: Date) => planInstant(lang, at, tz);
  switch (effect.kind) {
    case 'leavesLoginPage':
      return effect.startsAgain
        ? t['admin.plan.effect.leavesLoginPage']({ method: methodName(ctx, effect.method), date: date(effect.startsAgain) })
        : t['admin.plan.effect.stopsToday']({ method: methodName(ctx, effect.method) });
    case 'startsToday':
      return t['admin.plan.effect.startsToday']({ method: methodName(ctx, effect.method) });
    case 'leavesComing':
      return t['admin.plan.effect.leavesComing']({ method: methodName(ctx, effect.method), status: t['info.status.ended'] });
    case 'comingAgain':
      return t['admin.plan.effect.comingAgain']({ method: methodName(ctx, effect.method), date: date(effect.from) });
    case 'ends':
      return t['admin.plan.effect.ends']({ method: methodName(ctx, effect.method), date: date(effect.at) });
    case 'noneFrom':
      return t['admin.plan.effect.noneFrom']({ date: date(effect.at) });
  }
}

export function PlanConfirmPage(props: {
  ctx: PageContext;
  /** The method as saved now. */
  method: PlannedMethod;
  /** What was typed (sent again, unchanged, when the admin confirms or goes back to the form). */
  values: PlanFormValues;
  change: Required<PlanChange>;
  effects: readonly PlanEffect[];
  /** The fingerprint of `effects`: a confirmation counts only for what it showed. */
  digest: string;
  version: string;
  /** The admin confirmed, but what happens changed since (a date passed): shown again. */
  changedMeanwhile: boolean;
}) {
  const { ctx, method: m, values } = props;
  const { t } = ctx;
  const name = methodName(ctx, m.id);
  const labels = fieldLabels(t);
  const before = shownValues(ctx, m);
  const after = shownValues(ctx, props.change);
  const changed = FIELDS.filter((f) => rawValue(m, f) !== rawValue(props.change, f));
  return (
    <AdminPage ctx={ctx} title={t['admin.plan.confirm.title']({ method: name })} back={back(t)}>
      {props.changedMeanwhile ? (
        <Notice kind="info">
          <p>{t['admin.plan.confirm.changedMeanwhile']}</p>
        </Notice>
      ) : null}
      <section aria-labelledby="effects-heading" class="plan-effects">
        <h2 id="effects-heading">{t['admin.plan.confirm.effectsHeading']}</h2>
        <ul>
          {props.effects.map((e, i) => (
            <li key={i}>{effectText(ctx, e)}</li>
          ))}
        </ul>
      </section>
      {changed.length > 0 ? (
        <div>
          <h2 id="change-heading">{t['admin.plan.confirm.changeHeading']}</h2>
          <TableScroll labelledBy="change-heading">
            <table aria-labelledby="change-heading">
              <thead>
                <tr>
                  <th scope="col">{t['admin.plan.confirm.field']}</th>
                  <th scope="col">{t['admin.plan.confirm.before']}</th>
                  <th scope="col">{t['admin.plan.confirm.after']}</th>
                </tr>
              </thead>
              <tbody>
                {changed.map((f) => (
                  <tr key={f}>
                    <th scope="row">{labels[f]}</th>
                    <td lang={m.notice ? langOf(f) : undefined}>{before[f]}</td>
                    <td lang={props.change.notice ? langOf(f) : undefined}>{after[f]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </div>
      ) : null}
      <form method="post" action={`/admin/plan/${m.id}`} aria-labelledby="confirm-question">
        <h2 id="confirm-question">{t['admin.plan.confirm.question']({ method: name })}</h2>
        <Csrf ctx={ctx} />
        <input type="hidden" name="version" value={props.version} />
        <input type="hidden" name="confirmed" value={props.digest} />
        {FIELDS.map((f) => (
          <input key={f} type="hidden" name={f} value={values[f]} />
        ))}
        <div class="button-row">
          <button type="submit" name="action" value="confirm" class="button-primary">
            {t['admin.plan.confirm.save']}
          </button>
          <button type="submit" name="action" value="revise" class="button-secondary">
            {t['admin.plan.confirm.revise']}
          </button>
        </div>
      </form>
      <p>
        <a href="/admin/plan">{t['admin.plan.cancel']}</a>
      </p>
    </AdminPage>
  );
}

/** A field's stored value, to compare (the shown announcement also holds the start date). */
function rawValue(m: Pick<PlannedMethod, 'enabledFrom' | 'enabledUntil' | 'announceAs' | 'notice'>, f: keyof PlanFormValues): string {
  switch (f) {
    case 'enabledFrom':
      return m.enabledFrom.toISOString();
    case 'enabledUntil':
      return m.enabledUntil?.toISOString() ?? '';
    case 'announceAs':
      return m.announceAs;
    case 'noticeSv':
      return m.notice?.sv ?? '';
    case 'noticeEn':
      return m.notice?.en ?? '';
  }
}

/** The language of a notice cell: Swedish and English notices on a page of either language. */
function langOf(f: keyof PlanFormValues): string | undefined {
  return f === 'noticeSv' ? 'sv' : f === 'noticeEn' ? 'en' : undefined;
}
