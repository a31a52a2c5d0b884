/**
 * Card issuer profiles. The real profiles of Telia and AB Svenska Pass card certificates
 * (CA names, policy OIDs, OCSP addresses) are not public (shared/reference/eid-cards.md
 * §1), so every issuer is configuration: trust anchors and intermediates as PEM files,
 * accepted policy OIDs, the OCSP responder, and how the personal number is written.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/config.js';
import { isMethodId, type MethodId } from '../identity/methods.js';
import type { Localised } from '../platform/site.js';
import { parseCertificate, pemToDerList, type ParsedCertificate } from '../platform/pki.js';

export interface IssuerProfile {
  readonly id: string;
  /** The rollout-plan method this issuer's cards log in with. */
  readonly method: MethodId;
  readonly name: Localised;
  readonly anchors: readonly ParsedCertificate[];
  readonly intermediates: readonly ParsedCertificate[];
  /** Accepted certificate policy OIDs; empty means any. */
  readonly policyOids: readonly string[];
  /** Responder to ask instead of the certificate's AIA address. */
  readonly ocspUrl: string | null;
  /** Prefixes that may precede the 12 digits in subject serialNumber (e.g. "PNOSE-"). */
  readonly personnummerPrefixes: readonly string[];
}

export interface IssuersFile {
  readonly issuers: readonly IssuerProfile[];
}

/** Reads the issuers file; PEM paths are relative to the file. */
export function loadIssuersFile(file: string): IssuersFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`card issuers file ${file} cannot be read as JSON: ${(err as Error).message}`]);
  }
  const base = path.dirname(file);
  const problems: string[] = [];
  const list = (raw as { issuers?: unknown }).issuers;
  if (!Array.isArray(list)) throw new ConfigError([`${file}: "issuers" must be a list`]);
  const issuers: IssuerProfile[] = [];
  list.forEach((entry: unknown, i) => {
    const where = `${file}: issuers[${i}]`;
    const e = (entry ?? {}) as Record<string, unknown>;
    const strings = (key: string): string[] => {
      const v = e[key];
      if (v === undefined) return [];
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
        problems.push(`${where}.${key} must be a list of strings`);
        return [];
      }
      return v as string[];
    };
    const certs = (key: string): ParsedCertificate[] =>
      strings(key).flatMap((p) => {
        try {
          const ders = pemToDerList(readFileSync(path.resolve(base, p), 'utf8'));
          if (ders.length === 0) problems.push(`${where}.${key}: ${p} holds no certificate`);
          return ders.map(parseCertificate);
        } catch (err) {
          problems.push(`${where}.${key}: ${p}: ${(err as Error).message}`);
          return [];
        }
      });
    const id = typeof e['id'] === 'string' && /^[a-z][a-z0-9_-]{0,39}$/.test(e['id']) ? e['id'] : undefined;
    if (!id) problems.push(`${where}.id must be a short lower-case identifier`);
    const method = e['method'];
    if (!isMethodId(method) || method === 'bankid') problems.push(`${where}.method must be telia_card or svenska_pass_card`);
    const name = (e['name'] ?? {}) as Record<string, unknown>;
    if (typeof name['sv'] !== 'string' || typeof name['en'] !== 'string') problems.push(`${where}.name needs sv and en`);
    const anchors = certs('anchors');
    if (anchors.length === 0) problems.push(`${where}.anchors must name at least one PEM file`);
    const ocspUrl = e['ocspUrl'];
    if (ocspUrl !== undefined && ocspUrl !== null && (typeof ocspUrl !== 'string' || !/^https?:\/\//.test(ocspUrl))) {
      problems.push(`${where}.ocspUrl must be an http(s) URL`);
    }
    if (id && isMethodId(method)) {
      issuers.push({
        id,
        method,
        name: { sv: String(name['sv']), en: String(name['en']) },
        anchors,
        intermediates: certs('intermediates'),
        policyOids: strings('policyOids'),
        ocspUrl: typeof ocspUrl === 'string' ? ocspUrl : null,
        personnummerPrefixes: e['personnummerPrefixes'] === undefined ? ['PNOSE-'] : strings('personnummerPrefixes'),
      });
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return { issuers };
}
