/** What the pages of the rollout plan share: a method's name and status, and how an instant of the plan reads. */
import type { MethodId } from '../../identity/methods.js';
import { formatDate, formatDateTime, localDate, localMidnight } from '../../platform/dates.js';
import type { Lang } from '../../platform/i18n/index.js';
import type { MethodStatus } from '../../login/plan.js';
import type { PageContext } from '../../web/layout.js';

export function methodName(ctx: PageContext, id: MethodId): string {
  return ctx.t[`method.${id}.name`];
}

/** "15 september 2027", or "15 september 2027 kl. 12:00" when the instant is not local midnight. */
export function planInstant(lang: Lang, at: Date, timeZone: string): string {
  return localMidnight(localDate(at, timeZone), timeZone).getTime() === at.getTime()
    ? formatDate(lang, at, timeZone)
    : formatDateTime(lang, at, timeZone);
}

export function StatusText(props: { ctx: PageContext; status: MethodStatus }) {
  return <span class={`status status-${props.status}`}>{props.ctx.t[`info.status.${props.status}`]}</span>;
}
