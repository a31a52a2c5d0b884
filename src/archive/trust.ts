/**
 * What `verify-package` trusts, named in a JSON file of its own (`--trust FILE`, or
 * KW_VERIFY_TRUST_FILE): the roots of BankID user certificates, the card issuers file (the
 * same file the portal's card login reads), the time-stamping authority's roots and the
 * seal's roots, each a path relative to the trust file. Nothing is trusted because the
 * package carries it: the package's own chains only link to these roots.
 *
 *   { "bankidUserRoots": "bankid-roots.pem", "cardIssuers": "issuers.json",
 *     "tsaRoots": "tsa-root.pem", "sealRoots": "seal-root.pem" }
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { rootsFromPem } from '../bankid/verify.js';
import { loadIssuersFile } from '../card/issuers.js';
import { pemToDerList } from '../platform/pki.js';
import type { PackageTrust } from './verify.js';

export const TRUST_KEYS = ['bankidUserRoots', 'cardIssuers', 'tsaRoots', 'sealRoots'] as const;

export function loadPackageTrust(file: string): PackageTrust {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error(`${file}: a JSON object is expected`);
  const named = raw as Record<string, unknown>;
  const unknown = Object.keys(named).filter((k) => !(TRUST_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw new Error(`${file}: unknown keys ${unknown.join(', ')} (known: ${TRUST_KEYS.join(', ')})`);
  const resolve = (key: (typeof TRUST_KEYS)[number]): string | undefined => {
    const value = named[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') throw new Error(`${file}: ${key} must be a path`);
    return path.resolve(path.dirname(file), value);
  };
  const pem = (key: (typeof TRUST_KEYS)[number]): string => {
    const p = resolve(key);
    return p ? readFileSync(p, 'utf8') : '';
  };
  const issuers = resolve('cardIssuers');
  return {
    bankidRoots: rootsFromPem(pem('bankidUserRoots')),
    cardProfiles: issuers ? loadIssuersFile(issuers).issuers : [],
    tsaRoots: pemToDerList(pem('tsaRoots')),
    sealRoots: pemToDerList(pem('sealRoots')),
  };
}
