/**
 * `npm start`: the portal in demo mode with everything local, from source. It starts the
 * local stand-ins (card issuers' test PKI and OCSP, the card-login listener's certificates,
 * the BankID RP API test server and its app, the Net iD signer), seeds the demo people and
 * prints where everything is. `tsx devtools/demo/main.ts serve` runs the portal as
 * configured, with the demo people if KW_DEMO_SEED says so, and no local tools (tests). The product's own entry (src/main.ts) knows nothing of this,
 * and the production build (tsconfig.build.json) holds none of devtools/.
 */
import { ConfigError, type Config } from '../../src/config/config.js';
import { formatPersonalNumber } from '../../src/identity/personnummer.js';
import type { Services } from '../../src/app.js';
import { serve, type ServeExtras } from '../../src/serve.js';
import { DEMO_PEOPLE, seedDemoData, seedDemoRegister } from './seed.js';
import { startDemoTools } from './tools.js';

let banner: string[] = [];

function printDemoBanner(config: Config, extra: string[]): void {
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

async function seed(config: Config, services: Services): Promise<void> {
  if (!config.demo.seedData) return;
  await seedDemoData(services.accounts);
  await seedDemoRegister(services.register);
}

// `serve`: the portal as configured (KW_MODE), with the demo people when KW_DEMO_SEED asks for
// them and no local tools; for tests that run the real process against their own test servers.
const command = process.argv[2] ?? 'demo';
const extras: ServeExtras =
  command === 'serve'
    ? { afterBuild: seed }
    : {
        async prepare(config, clock) {
          // The local stand-ins for card issuers and Net iD; explicit settings still win.
          const tools = await startDemoTools({
            dataDir: config.dataDir,
            portalPort: config.http.port,
            publicUrl: config.http.publicUrl,
            clock,
            productionPlanFile: config.rolloutPlanFile,
            ...(config.database.kind === 'sqlite' && config.database.file !== ':memory:'
              ? { databaseFile: config.database.file }
              : {}),
          });
          banner = tools.banner;
          return { env: tools.env, close: () => tools.close() };
        },
        afterBuild: seed,
        afterListen(config) {
          printDemoBanner(config, banner);
          return Promise.resolve();
        },
      };
serve(command === 'serve' ? undefined : 'demo', extras).catch((err: unknown) => {
  if (err instanceof ConfigError) process.stderr.write(`Kundwebben cannot start.\n${err.message}\n`);
  else
    process.stderr.write(
      `Kundwebben failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  process.exit(1);
});
