/**
 * `npm run verify-package -- FILE [--trust TRUST.json]`: checks an archival package on any
 * machine, without the portal's database, and prints every check. Exit code 0 when every
 * check passed, 1 when any failed (the package is refused), 2 on a usage error.
 */
import { readFileSync } from 'node:fs';
import { loadPackageTrust } from './trust.js';
import { verifyArchivePackage, type PackageTrust, type PackageVerifiers } from './verify.js';

const USAGE = 'usage: verify-package FILE.zip [--trust TRUST.json] (or KW_VERIFY_TRUST_FILE)\n';

export async function verifyPackageCommand(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  verifiers: PackageVerifiers,
  write: (text: string) => void,
): Promise<number> {
  let file: string | undefined;
  let trustFile = env['KW_VERIFY_TRUST_FILE'];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--trust') trustFile = args[++i];
    else if (arg?.startsWith('--trust=')) trustFile = arg.slice('--trust='.length);
    else if (arg && !arg.startsWith('--') && file === undefined) file = arg;
    else {
      write(`unknown argument "${arg ?? ''}"\n${USAGE}`);
      return 2;
    }
  }
  if (!file) {
    write(USAGE);
    return 2;
  }
  let zip: Uint8Array;
  try {
    zip = new Uint8Array(readFileSync(file));
  } catch (err) {
    write(`cannot read ${file}: ${(err as Error).message}\n`);
    return 2;
  }
  let trust: PackageTrust = { bankidRoots: [], cardProfiles: [], tsaRoots: [], sealRoots: [] };
  if (trustFile) {
    try {
      trust = loadPackageTrust(trustFile);
    } catch (err) {
      write(`cannot read the trust file ${trustFile}: ${(err as Error).message}\n`);
      return 2;
    }
  } else {
    write(
      'no trust file given (--trust): no certificate is trusted, so the signature, timestamp and seal checks fail\n',
    );
  }
  write(`Checking ${file}\n`);
  const checks = await verifyArchivePackage(zip, trust, verifiers);
  for (const check of checks) write(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}\n`);
  const failed = checks.filter((c) => !c.ok);
  write(
    failed.length === 0
      ? `The package is intact and verified: all ${checks.length} checks passed.\n`
      : `The package is REFUSED: ${failed.length} of ${checks.length} checks failed (${failed.map((c) => c.name).join('; ')}).\n`,
  );
  return failed.length === 0 ? 0 : 1;
}
