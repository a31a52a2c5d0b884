/**
 * Command-line entry: `serve` (KW_MODE, default production), `migrate`, `import-users FILE`,
 * `purge [--dry-run]` (the retention rules, src/retention/), `verify-package FILE [--trust TRUST.json]`
 * (an archival package checked without the database, src/archive/).
 * The demo has its own entry from source, `npm start` (devtools/demo/main.ts): the built
 * product holds no demo tools.
 */
import { verifyPackageCommand } from './archive/cli.js';
import { packageVerifiers } from './archive/verifiers.js';
import { ConfigError } from './config/config.js';
import { importUsersCommand, migrate, purgeCommand, serve } from './serve.js';

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  switch (command) {
    case 'serve':
      await serve(undefined);
      return -1;
    case 'demo':
      process.stderr.write('the demo runs from source with its local test tools: npm start (devtools/demo/main.ts)\n');
      return 2;
    case 'migrate':
      await migrate();
      return 0;
    case 'import-users':
      return importUsersCommand(rest);
    case 'purge':
      return purgeCommand(rest);
    case 'verify-package':
      return verifyPackageCommand(rest, process.env, packageVerifiers, (text) => process.stdout.write(text));
    default:
      process.stderr.write(`unknown command "${command}"; use serve, migrate, import-users, purge or verify-package\n`);
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
