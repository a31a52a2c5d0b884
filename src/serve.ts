/**
 * Running the portal: `serve` (build the app, listen, shut down gracefully on signals),
 * `migrate` and `import-users`, for the command line (src/main.ts) and the demo's own entry
 * (devtools/demo/main.ts), which adds its local tools through `ServeExtras`.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { importUsers } from './accounts/import.js';
import { buildApp, createServices, type Services } from './app.js';
import { loadConfig, type Config, type Mode } from './config/config.js';
import type { Clock } from './platform/clock.js';
import { armCrashPoint } from './platform/crash.js';
import { format, isLang, messages, type Lang } from './platform/i18n/index.js';
import { COUNT_TYPES } from './retention/messages.js';
import type { PurgeCounts } from './retention/purge.js';
import { RULE_IDS } from './retention/rules.js';

/** What the demo adds around `serve` (devtools/demo/main.ts); the product itself needs none. */
export interface ServeExtras {
  /** Before the app is built: local stand-ins to start, and the settings they fill in (explicit ones win). */
  prepare?(config: Config, clock: Clock): Promise<{ env: Record<string, string>; close(): Promise<void> }>;
  /** After the app is built, before it listens (the demo seeds its people here). */
  afterBuild?(config: Config, services: Services): Promise<void>;
  /** Once it listens (the demo prints its banner). */
  afterListen?(config: Config): Promise<void>;
}

/** Runs the portal (and the card-login listener) until a signal ends it. */
export async function serve(mode: Mode | undefined, extras: ServeExtras = {}): Promise<void> {
  let config = loadConfig(process.env, mode);
  // Demo only (refused elsewhere by config): a clock set to KW_DEMO_NOW that keeps ticking. It
  // moves what the portal decides (the plan's state, sessions, warnings); the demo's test PKIs
  // date their certificates over it and real time, so no login method breaks (DESIGN §3a).
  const offset = config.demo.now ? config.demo.now.getTime() - Date.now() : 0;
  const clock: Clock = { now: () => new Date(Date.now() + offset) };
  let closeExtras: (() => Promise<void>) | undefined;
  if (extras.prepare) {
    const prepared = await extras.prepare(config, clock);
    config = loadConfig({ ...prepared.env, ...process.env }, mode);
    closeExtras = () => prepared.close();
  }
  // Test hook, undefined unless KW_CRASH_AT is set (refused in production by config).
  armCrashPoint(config.crashAt);
  const { app, services, cardListener } = await buildApp(config, { clock });
  if (closeExtras) app.addHook('onClose', closeExtras);
  await extras.afterBuild?.(config, services);
  const enabledWithoutProvider = (await services.plan.enabledNow()).filter((m) => !services.providers.has(m.id));
  for (const m of enabledWithoutProvider) {
    app.log.warn({ method: m.id }, 'login method is enabled in the rollout plan but has no provider: shown as unavailable');
  }
  exitGracefullyOnSignals(app, services, config.shutdown);
  await app.listen({ host: config.http.host, port: config.http.port });
  if (cardListener) await cardListener.listen({ host: config.card.host, port: config.card.port });
  await extras.afterListen?.(config);
}

/**
 * Graceful shutdown on SIGTERM/SIGINT. Readiness fails at once, so the load balancer stops
 * sending new requests; after `drainSeconds` the listeners stop accepting and in-flight
 * requests finish (Fastify's close); then the app's onClose hooks close the card listener,
 * the BankID client, Redis, the database pool and, in demo, the local test tools. A second
 * signal, or `graceSeconds` without finishing, exits at once.
 */
function exitGracefullyOnSignals(app: FastifyInstance, services: Services, settings: Config['shutdown']): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      app.log.warn({ signal }, 'second signal: exiting now, without waiting for requests in flight');
      process.exit(1);
    }
    closing = true;
    services.lifecycle.shuttingDown = true;
    app.log.info({ signal, ...settings }, 'shutting down: readiness fails now; listeners close after the drain time');
    const force = setTimeout(() => {
      app.log.error(settings, 'shutdown did not finish in time: exiting');
      process.exit(1);
    }, (settings.drainSeconds + settings.graceSeconds) * 1000);
    force.unref();
    setTimeout(() => {
      app.log.info('closing listeners; waiting for requests in flight');
      app.close().then(
        () => {
          app.log.info('shut down cleanly');
          process.exit(0);
        },
        (err: unknown) => {
          app.log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    }, settings.drainSeconds * 1000);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

export async function migrate(): Promise<void> {
  const config = loadConfig(process.env);
  const services = await createServices(config);
  await services.db.destroy();
  process.stdout.write('database is up to date\n');
}

export async function importUsersCommand(args: string[]): Promise<number> {
  const file = args.find((a) => !a.startsWith('--'));
  const langArg = args.find((a) => a.startsWith('--lang='))?.slice(7) ?? 'sv';
  const lang = isLang(langArg) ? langArg : 'sv';
  const t = messages(lang);
  if (!file) {
    process.stderr.write('usage: import-users FILE.csv [--lang=sv|en]\n');
    return 2;
  }
  const config = loadConfig(process.env);
  const services = await createServices(config);
  try {
    const result = await importUsers(services, readFileSync(file, 'utf8'), { source: file });
    if (result.ok) {
      process.stdout.write(t['import.done']({ persons: result.persons, memberships: result.memberships }) + '\n');
      return 0;
    }
    for (const p of result.problems) {
      const message = format(t, p.key, p.params);
      process.stderr.write(t['import.line']({ line: p.line, message }) + '\n');
    }
    process.stderr.write(t['import.refused']({ count: result.problems.length }) + '\n');
    return 1;
  } finally {
    await services.db.destroy();
  }
}


/**
 * `purge [--dry-run] [--lang=sv|en]`: removes what the retention rules name (src/retention/),
 * or with --dry-run prints what it would remove and removes nothing. Another purge running
 * (the lease) is reported and ends with 0: the other one does the work.
 */
export async function purgeCommand(args: string[]): Promise<number> {
  const dryRun = args.includes('--dry-run');
  const langArg = args.find((a) => a.startsWith('--lang='))?.slice(7) ?? 'sv';
  const lang: Lang = isLang(langArg) ? langArg : 'sv';
  const t = messages(lang);
  if (args.some((a) => a !== '--dry-run' && !a.startsWith('--lang=')) || !isLang(langArg)) {
    process.stderr.write(t['retention.cli.usage'] + '\n');
    return 2;
  }
  const config = loadConfig(process.env);
  // Test hook, undefined unless KW_CRASH_AT is set (refused in production by config).
  armCrashPoint(config.crashAt);
  const services = await createServices(config);
  try {
    const outcome = await services.purge.run({ dryRun, trigger: 'command' });
    if (outcome.status === 'busy') {
      process.stdout.write(t['retention.cli.busy']({ owner: outcome.owner, until: outcome.until }) + '\n');
      return 0;
    }
    process.stdout.write((dryRun ? t['retention.cli.dryRun'] : t['retention.cli.done']) + '\n');
    process.stdout.write(purgeCountLines(t, outcome.run.counts, dryRun).join('\n') + '\n');
    return 0;
  } finally {
    services.housekeeping.stop();
    services.automaticPurge?.stop();
    await services.redis?.quit();
    await services.db.destroy();
  }
}

/** One line per rule: its name and what it removed (or would remove), by type. */
function purgeCountLines(t: ReturnType<typeof messages>, counts: PurgeCounts, dryRun: boolean): string[] {
  return RULE_IDS.map((id) => {
    const perType = counts[id] ?? {};
    const shown = COUNT_TYPES.filter((type) => (perType[type] ?? 0) > 0).map((type) => t[`retention.type.${type}`]({ count: perType[type] ?? 0 }));
    const what = dryRun && id === 'expiredStoreRows' ? t['retention.preview.notCounted'] : shown.length > 0 ? shown.join(', ') : t['retention.nothing'];
    return `  ${t[`retention.rule.${id}`]}: ${what}`;
  });
}
