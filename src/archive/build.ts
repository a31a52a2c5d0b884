/**
 * Builds the archival package of a submitted case: one ZIP with the sealed receipts, the
 * signed document and text, the signature evidence with its OCSP answer and timestamp, the
 * certificate chains, every attachment, and the manifest listing each with its SHA-256.
 * Pure: everything it packs is given, so the same input gives the same bytes.
 */
import { createHash } from 'node:crypto';
import { zipSync, type Zippable } from 'fflate';
import { escapeControlChars } from '../platform/control-chars.js';
import type { SignatureEvidenceTable } from '../platform/db/schema.js';
import { evidenceParts, pemBundle } from './evidence-parts.js';
import {
  KIND_ABOUT,
  MANIFEST_PATH,
  PACKAGE_FORMAT,
  PACKAGE_VERSION,
  type FileKind,
  type Manifest,
  type ManifestFile,
} from './manifest.js';

/** The stored evidence row, as signing keeps it. */
export type PackageEvidence = SignatureEvidenceTable;

export interface PackageInput {
  createdAt: Date;
  case: Manifest['case'];
  evidence: PackageEvidence;
  /** The timestamp token over the evidence bytes, when it has been fetched. */
  timestamp: { tokenDer: Uint8Array; tsaCertificates: readonly Uint8Array[] } | 'pending' | 'none';
  /** The sealed receipts, one per language, and the seal's chain (DER, seal certificate first). */
  receipts: readonly { lang: 'sv' | 'en'; pdf: Uint8Array }[];
  sealChain: readonly Uint8Array[];
  attachments: readonly {
    id: string;
    fileName: string;
    mediaType: string;
    bytes: Uint8Array;
    onMessage: boolean;
  }[];
}

/** Text files are compressed; PDFs and uploads are stored as they are (no CPU spent on them). */
const COMPRESS_BELOW = 512 * 1024;

export function buildArchivePackage(input: PackageInput): { zip: Uint8Array; manifest: Manifest } {
  const files: ManifestFile[] = [];
  const zippable: Zippable = {};
  const mtime = new Date(input.createdAt);

  const add = (
    path: string,
    kind: FileKind,
    content: Uint8Array | string,
    extra: Pick<ManifestFile, 'lang' | 'name'> = {},
  ): void => {
    const bytes = typeof content === 'string' ? new Uint8Array(Buffer.from(content, 'utf8')) : content;
    files.push({
      path,
      kind,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.byteLength,
      about: KIND_ABOUT[kind],
      ...extra,
    });
    const textual = typeof content === 'string' && bytes.byteLength < COMPRESS_BELOW;
    zippable[path] = [bytes, { level: textual ? 6 : 0, mtime }];
  };

  for (const receipt of input.receipts) {
    add(`kvitto-${receipt.lang}.pdf`, 'receipt', receipt.pdf, { lang: receipt.lang });
  }
  const e = input.evidence;
  add('underskrift/dokument.json', 'signed_document', e.document);
  add('underskrift/text.txt', 'signed_text', e.visible_text);
  add('underskrift/bevis.json', 'signature_evidence', e.evidence);
  add('underskrift/uppgifter.json', 'signature_record', `${JSON.stringify(signatureRecord(e), null, 2)}\n`);
  const parts = evidenceParts(e.method, e.evidence);
  if (parts.ocsp) add('underskrift/ocsp.der', 'ocsp_response', parts.ocsp);
  if (typeof input.timestamp === 'object')
    add('underskrift/tidsstampel.tsr', 'timestamp_token', input.timestamp.tokenDer);
  if (parts.chain.length > 0) add('certifikat/undertecknare.pem', 'signer_chain', pemBundle(parts.chain));
  if (typeof input.timestamp === 'object' && input.timestamp.tsaCertificates.length > 0) {
    add('certifikat/tidsstampel.pem', 'tsa_chain', pemBundle(input.timestamp.tsaCertificates));
  }
  if (input.sealChain.length > 0) add('certifikat/sigill.pem', 'seal_chain', pemBundle(input.sealChain));
  input.attachments.forEach((a, index) => {
    // The running number keeps names apart: two uploads of "bilaga.pdf" are two files.
    const folder = a.onMessage ? 'meddelanden' : 'bilagor';
    const path = `${folder}/${String(index + 1).padStart(2, '0')}-${safeName(a.fileName)}`;
    add(path, a.onMessage ? 'message_attachment' : 'attachment', a.bytes, { name: a.fileName });
  });

  const manifest: Manifest = {
    format: PACKAGE_FORMAT,
    version: PACKAGE_VERSION,
    createdAt: input.createdAt.toISOString(),
    case: input.case,
    signature: {
      evidenceId: e.id,
      method: e.method,
      digest: e.digest,
      signedAt: e.signed_at,
      timestamp: typeof input.timestamp === 'object' ? 'stamped' : input.timestamp,
    },
    files,
  };
  const ordered: Zippable = {
    [MANIFEST_PATH]: [
      new Uint8Array(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8')),
      { level: 6, mtime },
    ],
  };
  Object.assign(ordered, zippable);
  return { zip: zipSync(ordered), manifest };
}

/** The facts of the signature, as the portal stored them (the proof itself is bevis.json). */
export function signatureRecord(e: PackageEvidence): Record<string, string | null> {
  return {
    evidenceId: e.id,
    requestId: e.request_id,
    purpose: e.purpose,
    subject: e.subject,
    method: e.method,
    signerPersonnummer: e.signer_personnummer,
    signerName: e.signer_name,
    digest: e.digest,
    signedAt: e.signed_at,
    verifiedAt: e.verified_at,
  };
}

/** A file name safe in any archive tool: no folders, no control characters, bounded. */
export function safeName(name: string): string {
  const cleaned = escapeControlChars(name.normalize('NFC'))
    .replace(/[\\/:*?"<>|]/g, '_')
    .replace(/^\.+/, '_')
    .trim();
  const bounded = Array.from(cleaned).slice(0, 100).join('');
  return bounded.length > 0 ? bounded : 'fil';
}
