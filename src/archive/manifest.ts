/**
 * The archival package of a submitted case: what it holds and how its manifest says so.
 * The manifest (`manifest.json`) lists every other file of the ZIP with its SHA-256, its size
 * and what it is, so the package can be checked file by file on a machine that has never seen
 * the portal's database (`verify-package`).
 */

export const PACKAGE_FORMAT = 'kundwebben-arkivpaket';
export const PACKAGE_VERSION = 1;
export const MANIFEST_PATH = 'manifest.json';

/** What a file of the package is. */
export type FileKind =
  | 'receipt'
  | 'signed_document'
  | 'signed_text'
  | 'signature_evidence'
  | 'signature_record'
  | 'ocsp_response'
  | 'timestamp_token'
  | 'signer_chain'
  | 'tsa_chain'
  | 'seal_chain'
  | 'attachment'
  | 'message_attachment';

/** What each kind is, in the manifest's own words (Swedish and English). */
export const KIND_ABOUT: Readonly<Record<FileKind, { sv: string; en: string }>> = {
  receipt: {
    sv: 'Kvittot (PDF) med myndighetens elektroniska sigill (PAdES)',
    en: "The receipt (PDF) with the agency's electronic seal (PAdES)",
  },
  signed_document: {
    sv: 'Det undertecknade dokumentet: ärendet som kanonisk JSON, exakt de byte som undertecknades (SHA-256 = sammanfattningen)',
    en: 'The signed document: the case as canonical JSON, exactly the bytes that were signed (SHA-256 = the digest)',
  },
  signed_text: {
    sv: 'Texten som den som undertecknade fick se',
    en: 'The text the signer was shown',
  },
  signature_evidence: {
    sv: 'Beviset för underskriften från e-legitimationen (BankID:s slutförandedata eller kortets CMS) med dess OCSP-svar; det är dessa byte som tidsstämpeln gäller',
    en: "The signature's proof from the e-ID (BankID's completion data or the card's CMS) with its OCSP answer; the timestamp is over exactly these bytes",
  },
  signature_record: {
    sv: 'Uppgifterna om underskriften: vem, hur, när och vilken sammanfattning',
    en: 'The facts of the signature: who, how, when and which digest',
  },
  ocsp_response: {
    sv: 'OCSP-svaret om undertecknarens certifikat vid underskriften (DER)',
    en: "The OCSP answer on the signer's certificate at signing (DER)",
  },
  timestamp_token: {
    sv: 'RFC 3161-tidsstämpel över beviset för underskriften (DER)',
    en: "RFC 3161 timestamp token over the signature's proof (DER)",
  },
  signer_chain: {
    sv: 'Undertecknarens certifikatkedja (PEM), från undertecknarens certifikat uppåt',
    en: "The signer's certificate chain (PEM), from the signer's certificate up",
  },
  tsa_chain: {
    sv: 'Tidsstämpelutfärdarens certifikat (PEM)',
    en: "The time-stamping authority's certificates (PEM)",
  },
  seal_chain: {
    sv: 'Sigillets certifikatkedja (PEM)',
    en: "The seal's certificate chain (PEM)",
  },
  attachment: {
    sv: 'Bilaga till ärendet, som den laddades upp',
    en: 'An attachment of the case, as uploaded',
  },
  message_attachment: {
    sv: 'Bilaga till ett meddelande i ärendet, som den laddades upp',
    en: 'An attachment of a message in the case, as uploaded',
  },
};

export interface ManifestFile {
  path: string;
  kind: FileKind;
  sha256: string;
  size: number;
  about: { sv: string; en: string };
  /** Receipts: the language. Attachments: the file name as uploaded. */
  lang?: 'sv' | 'en';
  name?: string;
}

export interface Manifest {
  format: typeof PACKAGE_FORMAT;
  version: typeof PACKAGE_VERSION;
  createdAt: string;
  case: {
    id: string;
    caseNumber: string;
    type: string;
    typeName: { sv: string; en: string };
    orgnr: string;
    organisation: string;
    submittedAt: string;
  };
  signature: {
    evidenceId: string;
    method: string;
    digest: string;
    signedAt: string;
    /** Whether the evidence had its timestamp when the package was made. */
    timestamp: 'stamped' | 'pending' | 'none';
  };
  files: ManifestFile[];
}

/** The kinds a complete package must hold at least once. */
export const REQUIRED_KINDS: readonly FileKind[] = [
  'receipt',
  'signed_document',
  'signature_evidence',
  'signature_record',
  'signer_chain',
];
