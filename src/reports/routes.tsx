/**
 * The at-risk report for the agency's administrators: who may be left without a working
 * login, logins per method over time, a reminder e-mail to the people listed, and (demo and
 * test mode only) the demo outbox. Every route needs a logged-in administrator.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Accounts } from '../accounts/service.js';
import type { AuditLog } from '../audit/service.js';
import type { Config } from '../config/config.js';
import type { Principal } from '../identity/sessions.js';
import { requirePrincipal } from '../web/guard.js';
import { localMidnight } from '../platform/dates.js';
import type { RolloutPlan } from '../login/plan.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/index.js';
import { AppError } from '../web/errors.js';
import type { TtlStore } from '../platform/store/port.js';
import { pageContext, sendHtml, type ViewDeps } from '../web/render.js';
import { atRiskReport, daysAhead, monthsBefore, nextPlannedStart, type AtRiskReport } from './at-risk.js';
import { loginsPerMonth } from './login-chart.js';
import { selftestsPerWeek } from './selftest-counts.js';
import type { Mail } from './mail.js';
import { createReminders, type ReminderRecipient } from './reminders.js';
import { parseReportInput, reportQueryString, type ReportInput } from './schema.js';
import { AtRiskPage, type AtRiskView } from './views/at-risk-page.js';
import { OutboxPage } from './views/outbox-page.js';
import { ReminderResultPage } from './views/reminder-result-page.js';

export interface ReportRoutesDeps extends ViewDeps {
  config: Config;
  clock: Clock;
  db: Db;
  store: TtlStore;
  audit: AuditLog;
  plan: RolloutPlan;
  accounts: Accounts;
  logger: Logger;
  mail: Mail;
}

/**
 * 401 without a login, 403 unless an administrator. The role is read again from the
 * database, so a revoked administrator loses access at once, not at the next login.
 */
async function requireAdmin(request: FastifyRequest, accounts: Accounts): Promise<Principal> {
  const { principal } = requirePrincipal(request);
  if (!principal.staff.includes('admin') || !(await accounts.staffRoles(principal.personnummer)).includes('admin')) {
    throw new AppError('forbidden', 'not an administrator');
  }
  return principal;
}

/** Everyone on either list, once, with why they are listed (order: by name). */
export function reminderRecipients(report: AtRiskReport): ReminderRecipient[] {
  const byPerson = new Map<string, ReminderRecipient>();
  for (const p of report.cardAtRisk) {
    byPerson.set(p.personnummer, { personnummer: p.personnummer, name: p.name, email: p.email, reasons: { card: { method: p.method, notAfter: p.notAfter, expired: p.expired } } });
  }
  if (report.change) {
    for (const p of report.notSinceChange) {
      const notSinceChange = { change: report.change, never: p.lastLogin === null };
      const known = byPerson.get(p.personnummer);
      byPerson.set(p.personnummer, known ? { ...known, reasons: { ...known.reasons, notSinceChange } } : { personnummer: p.personnummer, name: p.name, email: p.email, reasons: { notSinceChange } });
    }
  }
  return [...byPerson.values()].sort((a, b) => a.name.localeCompare(b.name, 'sv') || a.personnummer.localeCompare(b.personnummer));
}

export async function reportRoutes(app: FastifyInstance, deps: ReportRoutesDeps): Promise<void> {
  const { config, clock, db, plan, accounts, site, mail } = deps;
  const reminders = createReminders({ ...deps, mailer: mail.mailer });
  const tz = site.timeZone;

  // Runs before the CSRF check, so every route answers 401/403 first, even to a bare POST.
  app.addHook('onRequest', async (request) => {
    await requireAdmin(request, accounts);
  });
  app.addHook('onClose', async () => mail.mailer?.close());

  async function buildView(input: ReportInput): Promise<{ view: AtRiskView; recipients: ReminderRecipient[] }> {
    const now = clock.now();
    const methods = await plan.methods();
    const next = nextPlannedStart(methods, now);
    let cutoffSource: AtRiskView['cutoffSource'];
    let cutoff: Date;
    if (input.before) {
      cutoff = localMidnight(input.before, tz);
      cutoffSource = { kind: 'chosen' };
    } else if (next) {
      cutoff = next.enabledFrom;
      cutoffSource = { kind: 'next', method: next };
    } else {
      cutoff = daysAhead(now, config.card.expiryWarningDays, tz);
      cutoffSource = { kind: 'window', days: config.card.expiryWarningDays };
    }
    const [report, chart, selftests] = await Promise.all([
      atRiskReport({ db, methods, now, windowStart: monthsBefore(now, input.months), cutoff }),
      loginsPerMonth({ db, methods, now, timeZone: tz }),
      selftestsPerWeek({ db, now, timeZone: tz }),
    ]);
    const recipients = reminderRecipients(report);
    const preview = await reminders.preview(recipients);
    return { view: { report, chart, selftests, cutoffSource, reminders: preview }, recipients };
  }

  const mailInfo = { available: reminders.available, outbox: mail.outbox !== undefined };

  // Administrators who open the report at the same moment share one computation of it (a
  // large agency's report reads every person); nothing is kept once it is answered.
  const running = new Map<string, ReturnType<typeof buildView>>();
  function sharedView(input: ReportInput): ReturnType<typeof buildView> {
    const key = JSON.stringify([input.before ?? null, input.months]);
    const known = running.get(key);
    if (known) return known;
    const started = buildView(input).finally(() => running.delete(key));
    running.set(key, started);
    return started;
  }

  app.get<{ Querystring: { before?: unknown; months?: unknown } }>('/admin/at-risk', async (request, reply) => {
    const parsed = parseReportInput(request.query);
    const ctx = await pageContext(deps, request, reply);
    if (!parsed.ok) {
      return sendHtml(reply, <AtRiskPage ctx={ctx} raw={parsed.raw} errors={parsed.errors} view={undefined} mail={mailInfo} />, 400);
    }
    const { view } = await sharedView(parsed.input);
    return sendHtml(reply, <AtRiskPage ctx={ctx} raw={parsed.raw} errors={[]} view={view} mail={mailInfo} />);
  });

  app.post<{ Body: { before?: unknown; months?: unknown } | undefined }>('/admin/at-risk/reminders', async (request, reply) => {
    const principal = await requireAdmin(request, accounts);
    const parsed = parseReportInput(request.body);
    const ctx = await pageContext(deps, request, reply);
    if (!parsed.ok) {
      return sendHtml(reply, <AtRiskPage ctx={ctx} raw={parsed.raw} errors={parsed.errors} view={undefined} mail={mailInfo} />, 400);
    }
    if (!reminders.available) throw new AppError('unavailable', 'no mail transport configured');
    // The list is computed again now: the page may be old, and the form carries only the selection.
    const { recipients } = await buildView(parsed.input);
    const run = await reminders.send(recipients, { actor: principal.personnummer, ip: request.ip });
    const backHref = `/admin/at-risk${reportQueryString(parsed.raw)}`;
    if (!run.ok) {
      if (run.reason === 'unavailable') throw new AppError('unavailable', 'no mail transport configured');
      return sendHtml(reply, <ReminderResultPage ctx={ctx} result="busy" backHref={backHref} />, 409);
    }
    return sendHtml(reply, <ReminderResultPage ctx={ctx} result={run.summary} backHref={backHref} />);
  });

  app.get('/admin/outbox', async (request, reply) => {
    if (!mail.outbox) throw new AppError('not_found', 'no demo outbox: mail goes to SMTP or nowhere');
    const ctx = await pageContext(deps, request, reply);
    return sendHtml(reply, <OutboxPage ctx={ctx} entries={mail.outbox.entries()} />);
  });
}
