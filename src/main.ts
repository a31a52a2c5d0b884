/**
 * Command-line entry: `serve` (KW_MODE, default production), `demo` (everything local,
 * demo data), `migrate`, `import-users FILE`. Nothing else lives here.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig, type Config, type Mode } from './config.js';
import type { FastifyInstance } from 'fastify';
import { buildApp, createServices, type Services } from './app.js';
import type { Clock } from './platform/clock.js';
import { armCrashPoint } from './platform/crash.js';
import { importUsers } from './accounts/import.js';
import { formatPersonalNumber } from './identity/personnummer.js';
import { format, isLang, messages } from './platform/i18n/index.js';

async function serve(mode: Mode | undefined): Promise<void> {
  let config = loadConfig(process.env, mode);
  // Demo only (refused elsewhere by config): a clock set to KW_DEMO_NOW that keeps ticking. It
  // moves what the portal decides (the plan's state, sessions, warnings); the demo's test PKIs
  // date their certificates over it and real time, so no login method breaks (DESIGN §3a).
  const offset = config.demo.now ? config.demo.now.getTime() - Date.now() : 0;
  const clock: Clock = { now: () => new Date(Date.now() + offset) };
  let demoBanner: string[] = [];
  let closeDemoTools: (() => Promise<void>) | undefined;
  if (config.mode === 'demo') {
    // The local stand-ins for card issuers and Net iD; explicit settings still win.
    const { startDemoTools } = await import('../devtools/demo/tools.js');
    const tools = await startDemoTools({
      dataDir: config.dataDir,
      portalPort: config.http.port,
      publicUrl: config.http.publicUrl,
      clock,
      productionPlanFile: config.rolloutPlanFile,
      ...(config.database.kind === 'sqlite' && config.database.file !== ':memory:' ? { databaseFile: config.database.file } : {}),
    });
    config = loadConfig({ ...tools.env, ...process.env }, mode);
    demoBanner = tools.banner;
    closeDemoTools = () => tools.close();
  }
  // Test hook, undefined unless KW_CRASH_AT is set (refused in production by config).
  armCrashPoint(config.crashAt);
  const { app, services, cardListener } = await buildApp(config, { clock });
  if (closeDemoTools) app.addHook('onClose', closeDemoTools);
  if (config.demo.seedData) {
    const { seedDemoData, seedDemoRegister } = await import('../devtools/demo/seed.js');
    await seedDemoData(services.accounts);
    await seedDemoRegister(services.register);
  }
  const enabledWithoutProvider = (await services.plan.enabledNow()).filter((m) => !services.providers.has(m.id));
  for (const m of enabledWithoutProvider) {
    app.log.warn({ method: m.id }, 'login method is enabled in the rollout plan but has no provider: shown as unavailable');
  }
  exitGracefullyOnSignals(app, services, config.shutdown);
  await app.listen({ host: config.http.host, port: config.http.port });
  if (cardListener) await cardListener.listen({ host: config.card.host, port: config.card.port });
  if (config.mode === 'demo') await printDemoBanner(config, demoBanner);
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

async function printDemoBanner(config: Config, extra: string[]): Promise<void> {
  const { DEMO_PEOPLE } = await import('../devtools/demo/seed.js');
  const lines = [
    '',
    'Kundwebben is running in demo mode (SQLite, demo data; not for production).',
    `  Portal:          ${config.http.publicUrl}/`,
    `  Login page:      ${config.http.publicUrl}/login`,
    `  Kundwebbinfo:    ${config.http.publicUrl}/info`,
    `  Plan as JSON:    ${config.http.publicUrl}/info/plan.json`,
    `  Plan, calendar:  ${config.http.publicUrl}/info/plan.ics`,
    `  Database:        ${config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL'}`,
    '',
    'Demo identities (fictional people, test personal numbers):',
    ...DEMO_PEOPLE.map((p) => `  ${formatPersonalNumber(p.personnummer)}  ${p.name.padEnd(20)} ${p.about}`),
    '',
    ...extra,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

async function migrate(): Promise<void> {
  const config = loadConfig(process.env);
  const services = await createServices(config);
  await services.db.destroy();
  process.stdout.write('database is up to date\n');
}

async function importUsersCommand(args: string[]): Promise<number> {
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

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  switch (command) {
    case 'serve':
      await serve(undefined);
      return -1;
    case 'demo':
      await serve('demo');
      return -1;
    case 'migrate':
      await migrate();
      return 0;
    case 'import-users':
      return importUsersCommand(rest);
    default:
      process.stderr.write(`unknown command "${command}"; use serve, demo, migrate or import-users\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`Kundwebben cannot start.\n${err.message}\n`);
    } else {
      process.stderr.write(`Kundwebben failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    process.exit(1);
  },
);
