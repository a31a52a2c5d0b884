/**
 * Checks an archival package without the portal's database: that it is what its manifest
 * says (every file there, unchanged, nothing added), that the signed document is the one the
 * signature covers, that the signature still verifies against the trusted roots with its
 * stored OCSP answer, that the timestamp is over exactly the evidence and chains to a
 * trusted time-stamping authority, and that each receipt's seal is intact and made with a
 * trusted seal certificate. Every check is reported, passed or not, with what it found.
 */
import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { bankIdReverifier } from '../bankid/reverify.js';
import { cardReverifier } from '../card/cms.js';
import type { IssuerProfile } from '../card/issuers.js';
import type { ParsedCertificate } from '../platform/pki.js';
import type { Reverification } from '../signing/service.js';
import { sha256Hex } from '../signing/canonical.js';
import {
  MANIFEST_PATH,
  PACKAGE_FORMAT,
  PACKAGE_VERSION,
  REQUIRED_KINDS,
  type Manifest,
  type ManifestFile,
} from './manifest.js';

export interface PackageTrust {
  bankidRoots: readonly ParsedCertificate[];
  cardProfiles: readonly IssuerProfile[];
  tsaRoots: readonly Uint8Array[];
  sealRoots: readonly Uint8Array[];
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** The independent checks of a timestamp token and of a PDF seal (platform/tsa, the seal). */
export interface PackageVerifiers {
  timestamp(
    tokenDer: Uint8Array,
    data: Uint8Array,
    roots: readonly Uint8Array[],
  ): Promise<{ ok: boolean; genTime?: Date; detail: string }>;
  seal(pdf: Uint8Array, roots: readonly Uint8Array[]): Promise<{ ok: boolean; detail: string }>;
}

/** Bounds for a package from anywhere: at most this many files and bytes once unpacked. */
const MAX_FILES = 2_000;
const MAX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024;

export async function verifyArchivePackage(
  zip: Uint8Array,
  trust: PackageTrust,
  verifiers: PackageVerifiers,
): Promise<Check[]> {
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string): boolean => {
    checks.push({ name, ok, detail });
    return ok;
  };

  let entries: Record<string, Uint8Array>;
  try {
    let count = 0;
    let unpacked = 0;
    entries = unzipSync(zip, {
      filter: (file) => {
        count++;
        unpacked += file.originalSize;
        if (count > MAX_FILES || unpacked > MAX_UNPACKED_BYTES)
          throw new Error('too many files or too large once unpacked');
        return true;
      },
    });
  } catch (err) {
    check('zip', false, `not a readable ZIP: ${(err as Error).message}`);
    return checks;
  }
  check('zip', true, `${Object.keys(entries).length} files`);

  const manifest = readManifest(entries[MANIFEST_PATH]);
  if (typeof manifest === 'string') {
    check('manifest', false, manifest);
    return checks;
  }
  check(
    'manifest',
    true,
    `${manifest.format} ${manifest.version}, case ${manifest.case.caseNumber}, ${manifest.files.length} files listed`,
  );

  // Each listed file: there, and the bytes the manifest names.
  for (const file of manifest.files) {
    const bytes = entries[file.path];
    if (!bytes) {
      check(`file ${file.path}`, false, `missing (${file.kind})`);
      continue;
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== file.sha256 || bytes.byteLength !== file.size) {
      check(
        `file ${file.path}`,
        false,
        `changed: SHA-256 ${sha256}, ${bytes.byteLength} bytes; the manifest says ${file.sha256}, ${file.size} bytes`,
      );
    } else check(`file ${file.path}`, true, `SHA-256 ${sha256} (${file.kind})`);
  }
  const listed = new Set([MANIFEST_PATH, ...manifest.files.map((f) => f.path)]);
  const extra = Object.keys(entries).filter((name) => !listed.has(name) && !name.endsWith('/'));
  check(
    'no unlisted files',
    extra.length === 0,
    extra.length === 0 ? 'every file is in the manifest' : `not in the manifest: ${extra.join(', ')}`,
  );
  const kinds = new Set(manifest.files.filter((f) => entries[f.path]).map((f) => f.kind));
  const absent = REQUIRED_KINDS.filter((k) => !kinds.has(k));
  if (manifest.signature.timestamp === 'stamped' && !kinds.has('timestamp_token'))
    absent.push('timestamp_token');
  check(
    'complete',
    absent.length === 0,
    absent.length === 0 ? 'every required part is there' : `missing: ${absent.join(', ')}`,
  );

  const one = (kind: ManifestFile['kind']): Uint8Array | undefined => {
    const file = manifest.files.find((f) => f.kind === kind);
    return file ? entries[file.path] : undefined;
  };
  const text = (kind: ManifestFile['kind']) => {
    const bytes = one(kind);
    return bytes ? Buffer.from(bytes).toString('utf8') : undefined;
  };

  await checkSignature(
    check,
    manifest,
    {
      document: text('signed_document'),
      visibleText: text('signed_text'),
      evidence: text('signature_evidence'),
      record: text('signature_record'),
    },
    trust,
  );

  const token = one('timestamp_token');
  const evidenceBytes = one('signature_evidence');
  if (token && evidenceBytes) {
    const stamped = await verifiers.timestamp(token, evidenceBytes, trust.tsaRoots);
    check(
      'timestamp',
      stamped.ok,
      stamped.ok && stamped.genTime
        ? `the evidence existed no later than ${stamped.genTime.toISOString()} (${stamped.detail})`
        : stamped.detail,
    );
  } else if (manifest.signature.timestamp !== 'stamped') {
    check('timestamp', true, `none in the package (${manifest.signature.timestamp} when it was made)`);
  }

  for (const file of manifest.files.filter((f) => f.kind === 'receipt')) {
    const pdf = entries[file.path];
    if (!pdf) continue;
    const sealed = await verifiers.seal(pdf, trust.sealRoots);
    check(`seal ${file.path}`, sealed.ok, sealed.detail);
  }
  return checks;
}

function readManifest(bytes: Uint8Array | undefined): Manifest | string {
  if (!bytes) return `${MANIFEST_PATH} is missing`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    return `${MANIFEST_PATH} is not JSON: ${(err as Error).message}`;
  }
  const m = parsed as Partial<Manifest> | null;
  if (m?.format !== PACKAGE_FORMAT || m.version !== PACKAGE_VERSION)
    return `not a ${PACKAGE_FORMAT} ${PACKAGE_VERSION} manifest`;
  const filesOk =
    Array.isArray(m.files) &&
    m.files.every(
      (f) =>
        typeof f?.path === 'string' &&
        typeof f.sha256 === 'string' &&
        typeof f.size === 'number' &&
        typeof f.kind === 'string',
    );
  if (!filesOk || typeof m.case?.caseNumber !== 'string' || typeof m.signature?.digest !== 'string')
    return `${MANIFEST_PATH} lacks its files, case or signature`;
  return m as Manifest;
}

type CheckFn = (name: string, ok: boolean, detail: string) => boolean;

/** The signed document against the digest, and the signature re-verified as the portal does it. */
async function checkSignature(
  check: CheckFn,
  manifest: Manifest,
  parts: {
    document: string | undefined;
    visibleText: string | undefined;
    evidence: string | undefined;
    record: string | undefined;
  },
  trust: PackageTrust,
): Promise<void> {
  const { document, evidence } = parts;
  let record: Record<string, unknown> | undefined;
  try {
    record = parts.record ? (JSON.parse(parts.record) as Record<string, unknown>) : undefined;
  } catch {
    record = undefined;
  }
  if (document === undefined || evidence === undefined || !record) {
    check('signature', false, 'the signed document, the evidence or the facts of the signature are missing');
    return;
  }
  const digest = sha256Hex(document);
  check(
    'signed document',
    digest === manifest.signature.digest && digest === record['digest'],
    `SHA-256 of the document ${digest}; the signature covers ${String(record['digest'])}`,
  );
  const method = String(record['method']);
  const row = {
    id: String(record['evidenceId']),
    request_id: String(record['requestId']),
    purpose: String(record['purpose']),
    subject: String(record['subject']),
    method,
    signer_personnummer: String(record['signerPersonnummer']),
    signer_name: typeof record['signerName'] === 'string' ? record['signerName'] : null,
    digest: String(record['digest']),
    document,
    visible_text: parts.visibleText ?? '',
    evidence,
    signed_at: String(record['signedAt']),
    verified_at: String(record['verifiedAt']),
  };
  const reverifier =
    method === 'bankid' ? bankIdReverifier(trust.bankidRoots) : cardReverifier(trust.cardProfiles);
  let result: Reverification;
  try {
    result = await reverifier.reverify(row);
  } catch (err) {
    result = { ok: false, code: 'evidence_unreadable', checks: {}, detail: (err as Error).message };
  }
  const parts2 = Object.entries(result.checks).map(([name, ok]) => `${name} ${ok ? 'ok' : 'FAILED'}`);
  check(
    'signature',
    result.ok && digest === row.digest,
    `${method}, signed ${row.signed_at}: ${parts2.join(', ') || result.code || 'not verifiable'}${result.ok ? '' : ` (${result.code ?? 'invalid'}${result.detail ? `: ${result.detail}` : ''})`}`,
  );
}
