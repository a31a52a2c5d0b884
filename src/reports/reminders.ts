/**
 * Sends the reminder e-mail to the people of the at-risk report. Invariants:
 * - at most one reminder per person per 7 days: the audit log's `reminder_sent` events are
 *   the record, so a restart or another instance does not forget them;
 * - one run at a time (a lock in the TTL store), so two administrators clicking at once
 *   cannot both pass the 7-day check and mail everyone twice;
 * - at most `KW_MAIL_MAX_PER_SECOND` messages a second;
 * - one audit event per recipient, without the message text or the address; the log gets
 *   counts and error codes only.
 */
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/service.js';
import type { Config } from '../config/config.js';
import type { SiteInfo } from '../platform/site.js';
import type { RolloutPlan } from '../login/plan.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/index.js';
import { isMailAddress } from '../config/mail-address.js';
import type { TtlStore } from '../platform/store/port.js';
import { createPacer, mailErrorCode, type Mailer } from './mail.js';
import { composeReminder, type ReminderReasons } from './reminder-mail.js';

export const REMINDER_INTERVAL_DAYS = 7;
const LOCK_KEY = 'reports:reminders:running';
/** A server that fails this many messages in a row is down: stop instead of waiting on each. */
const MAX_CONSECUTIVE_FAILURES = 3;

export interface ReminderRecipient {
  readonly personnummer: string;
  readonly name: string;
  readonly email: string | null;
  readonly reasons: ReminderReasons;
}

export interface ReminderSummary {
  readonly transport: Mailer['transport'];
  readonly sent: number;
  /** Reminded within the last 7 days: skipped. */
  readonly recentlyReminded: number;
  /** No e-mail address, or one that is not a single plain address: skipped. */
  readonly noAddress: number;
  readonly failed: number;
  /** Left unsent after repeated failures. */
  readonly notAttempted: number;
}

export type ReminderRun = { ok: true; summary: ReminderSummary } | { ok: false; reason: 'busy' | 'unavailable' };

export function createReminders(deps: {
  db: Db;
  clock: Clock;
  store: TtlStore;
  audit: AuditLog;
  plan: RolloutPlan;
  mailer: Mailer | undefined;
  site: SiteInfo;
  config: Config;
  logger: Logger;
}) {
  const { db, clock, store, audit, plan, mailer, site, config, logger } = deps;

  /** Personnummer of everyone reminded since `since`. */
  async function remindedSince(since: Date): Promise<Set<string>> {
    const rows = await db
      .selectFrom('audit_event')
      .select('subject')
      .where('event', '=', 'reminder_sent')
      .where('outcome', '=', 'success')
      .where('at', '>=', since.toISOString())
      .execute();
    return new Set(rows.map((r) => r.subject).filter((s): s is string => s !== null));
  }

  return {
    available: mailer !== undefined,

    /** What `send` would do now: how many lack an address, were reminded lately, would get mail. */
    async preview(recipients: readonly ReminderRecipient[]) {
      const recent = await remindedSince(new Date(clock.now().getTime() - REMINDER_INTERVAL_DAYS * 86_400_000));
      let noAddress = 0;
      let recentlyReminded = 0;
      for (const r of recipients) {
        if (r.email === null || !isMailAddress(r.email)) noAddress++;
        else if (recent.has(r.personnummer)) recentlyReminded++;
      }
      return { people: recipients.length, noAddress, recentlyReminded, toSend: recipients.length - noAddress - recentlyReminded };
    },

    async send(recipients: readonly ReminderRecipient[], by: { actor: string; ip: string | null }): Promise<ReminderRun> {
      if (!mailer) return { ok: false, reason: 'unavailable' };
      const lockSeconds = Math.ceil(recipients.length / config.mail.maxPerSecond) + 120;
      if (!(await store.add(LOCK_KEY, { actor: by.actor }, lockSeconds))) return { ok: false, reason: 'busy' };
      try {
        const recent = await remindedSince(new Date(clock.now().getTime() - REMINDER_INTERVAL_DAYS * 86_400_000));
        const methods = await plan.methods();
        const pace = createPacer(config.mail.maxPerSecond);
        let sent = 0;
        let recentlyReminded = 0;
        let noAddress = 0;
        let failed = 0;
        let notAttempted = 0;
        let failuresInRow = 0;
        for (const r of recipients) {
          if (r.email === null || !isMailAddress(r.email)) {
            noAddress++;
            continue;
          }
          if (recent.has(r.personnummer)) {
            recentlyReminded++;
            continue;
          }
          if (failuresInRow >= MAX_CONSECUTIVE_FAILURES) {
            notAttempted++;
            continue;
          }
          const reasons = [
            ...(r.reasons.card ? [r.reasons.card.expired ? 'card_expired' : 'card_expiring'] : []),
            ...(r.reasons.notSinceChange ? [r.reasons.notSinceChange.never ? 'never_logged_in' : 'not_since_change'] : []),
          ];
          const mail = composeReminder({ name: r.name, reasons: r.reasons, methods, now: clock.now(), site, publicUrl: config.http.publicUrl });
          await pace();
          try {
            const { messageId } = await mailer.send({ to: { name: r.name, address: r.email }, ...mail });
            await audit.record({
              event: 'reminder_sent',
              outcome: 'success',
              actor: by.actor,
              subject: r.personnummer,
              ip: by.ip,
              details: { transport: mailer.transport, reasons, messageId },
            });
            sent++;
            failuresInRow = 0;
          } catch (err) {
            const error = mailErrorCode(err);
            logger.warn({ error, transport: mailer.transport }, 'reminder e-mail failed');
            await audit.record({
              event: 'reminder_failed',
              outcome: 'failure',
              actor: by.actor,
              subject: r.personnummer,
              ip: by.ip,
              details: { transport: mailer.transport, reasons, error },
            });
            failed++;
            failuresInRow++;
          }
        }
        const summary: ReminderSummary = { transport: mailer.transport, sent, recentlyReminded, noAddress, failed, notAttempted };
        logger.info(summary, 'reminders sent');
        return { ok: true, summary };
      } finally {
        await store.destroy(LOCK_KEY);
      }
    },
  };
}

export type Reminders = ReturnType<typeof createReminders>;
