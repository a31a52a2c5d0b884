/**
 * The reminder e-mail: plain text, Swedish first and English below, saying why the person
 * gets it, which login methods work now or are planned, what to do, and where Kundwebbinfo
 * is. Built only from the catalogs, the plan and the person's name (no HTML, no links
 * other than the portal's own and Skatteverket's from the plan file).
 */
import type { MethodId } from '../identity/methods.js';
import { describePlanDate, describePlanDateLong } from '../login/plan-dates.js';
import { formatDate } from '../platform/dates.js';
import type { SiteInfo } from '../platform/site.js';
import { statusAt, type PlannedMethod } from '../login/plan.js';
import { messages, type Lang } from '../platform/i18n/index.js';

/** The line between the Swedish text and the English one. */
export const MAIL_DIVIDER = '-'.repeat(40);

export interface ReminderReasons {
  /** The card that is the person's only recent method and expires before the cut-off. */
  readonly card?: { readonly method: MethodId; readonly notAfter: Date; readonly expired: boolean };
  /** No login since this method started; `never` when the person has never logged in. */
  readonly notSinceChange?: { readonly change: PlannedMethod; readonly never: boolean };
}

export function composeReminder(input: {
  name: string;
  reasons: ReminderReasons;
  methods: readonly PlannedMethod[];
  now: Date;
  site: SiteInfo;
  publicUrl: string;
}): { subject: string; text: string } {
  const sv = messages('sv');
  const en = messages('en');
  return {
    subject: `${sv['reports.mail.subject']} / ${en['reports.mail.subject']}`,
    text: [body('sv', input), MAIL_DIVIDER, body('en', input)].join('\n\n') + '\n',
  };
}

function body(lang: Lang, input: Parameters<typeof composeReminder>[0]): string {
  const { reasons, methods, now, site, publicUrl } = input;
  const t = messages(lang);
  const tz = site.timeZone;
  const name = (id: MethodId) => t[`method.${id}.name`];
  const when = (m: PlannedMethod) => describePlanDate(lang, m.enabledFrom, m.announceAs, now, tz);
  const bullet = (line: string) => `- ${line}`;

  const why: string[] = [];
  if (reasons.card) {
    const p = { method: name(reasons.card.method), date: formatDate(lang, reasons.card.notAfter, tz) };
    why.push(reasons.card.expired ? t['reports.mail.reason.cardExpired'](p) : t['reports.mail.reason.cardExpires'](p));
  }
  if (reasons.notSinceChange) {
    const { change, never } = reasons.notSinceChange;
    why.push(
      never
        ? t['reports.mail.reason.never']
        : t['reports.mail.reason.notSince']({ method: name(change.id), when: describePlanDateLong(lang, change.enabledFrom, change.announceAs, tz) }),
    );
  }

  const current = methods.filter((m) => statusAt(m, now) !== 'ended');
  const methodLines = current.map((m) =>
    statusAt(m, now) === 'enabled'
      ? t['reports.mail.method.enabled']({ method: name(m.id) })
      : t['reports.mail.method.planned']({ method: name(m.id), when: when(m) }),
  );

  const todo: string[] = [];
  const bankid = current.find((m) => m.id === 'bankid');
  if (bankid) {
    todo.push(statusAt(bankid, now) === 'enabled' ? t['reports.mail.todo.bankId'] : t['reports.mail.todo.bankIdPlanned']({ when: when(bankid) }));
  }
  if (current.some((m) => m.id === 'svenska_pass_card')) {
    todo.push(t['reports.mail.todo.skatteverket']({ url: site.skatteverketIdCardUrl }));
  }
  todo.push(t['reports.mail.todo.login']({ url: `${publicUrl}/login` }));

  return [
    t['reports.mail.otherLanguage'],
    t['reports.mail.greeting']({ name: input.name }),
    [t['reports.mail.why'], ...why.map(bullet)].join('\n'),
    [t['reports.mail.methods'], ...methodLines.map(bullet)].join('\n'),
    [t['reports.mail.todo'], ...todo.map(bullet)].join('\n'),
    [t['reports.mail.info']({ url: `${publicUrl}/info` }), t['reports.mail.questions']({ email: site.supportEmail })].join('\n'),
    [t['reports.mail.regards'], site.agency[lang], '', t['reports.mail.noReply']].join('\n'),
  ].join('\n\n');
}
