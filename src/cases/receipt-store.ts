/**
 * The sealed receipts of submitted cases, kept in `case_receipt` (one per case and language):
 * rendered and sealed once, right after the submission commits (in the submitter's language),
 * and served as stored. A receipt not stored yet (the other language, or a crash before it
 * was sealed) is made at its first download. The insert does nothing on conflict and the row
 * is read back, so two instances, or parallel requests, keep one receipt and all send the
 * same bytes; within one process parallel requests share one rendering.
 *
 * The receipt shows what was true at submission: the organisation and the attachments as the
 * signed document names them, the case's fields (which never change once submitted).
 *
 * The store knows nothing of access: the route asks it only after deciding that the caller may
 * read the case.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../platform/db/index.js';
import type { Clock } from '../platform/clock.js';
import { formatDateTime } from '../platform/dates.js';
import { messages, type Lang, type Messages } from '../platform/i18n/index.js';
import { addSignatureTimestamp, sealPdf, type Timestamper } from '../platform/pades.js';
import type { SealKey } from '../platform/seal-key.js';
import type { SiteInfo } from '../platform/site.js';
import { formatOrgnr } from '../accounts/orgnr.js';
import { methodName } from '../identity/methods.js';
import { formatPersonalNumber } from '../identity/personnummer.js';
import type { SignatureEvidence } from '../signing/service.js';
import { formatSize, summarySections } from './display.js';
import type { CaseRow } from './model.js';
import { renderReceiptPdf, type ReceiptInput } from './receipt.js';
import type { CaseTypeDef } from './types.js';

export interface StoredReceipt {
  pdf: Buffer;
  sha256: string;
  sealedAt: string;
  /** Sealed with the agency's seal (false only in a demo or test without KW_SEAL_P12_FILE). */
  sealed: boolean;
  timestamped: boolean;
}

export interface ReceiptSeal {
  key: SealKey;
  /** An RFC 3161 client: when given, every seal is B-T. */
  timestamper?: Timestamper;
}

export interface ReceiptStoreDeps {
  db: Db;
  clock: Clock;
  site: SiteInfo;
  publicUrl: string;
  /** Without it (demo and test only; production requires the seal) receipts are stored unsealed. */
  seal: ReceiptSeal | undefined;
  /** A submitted case and its type, for the receipt made after submission. */
  lookup(caseId: string): Promise<{ row: CaseRow; type: CaseTypeDef } | undefined>;
  evidence(id: string): Promise<SignatureEvidence | undefined>;
}

export type ReceiptStore = ReturnType<typeof createReceiptStore>;

/** What the signed canonical document (signing's evidence) says of the organisation and attachments. */
interface SignedFacts {
  organisation?: { orgnr?: string; name?: string };
  attachments?: { fileName?: string; mediaType?: string; size?: number; sha256?: string }[];
}

function signedFacts(evidence: SignatureEvidence): SignedFacts {
  try {
    const parsed: unknown = JSON.parse(evidence.document);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

/** The receipt's content in `lang`, from the submitted case and its evidence. */
export function receiptInput(
  deps: Pick<ReceiptStoreDeps, 'site' | 'publicUrl'>,
  found: { row: CaseRow; type: CaseTypeDef; evidence: SignatureEvidence },
  lang: Lang,
  t: Messages,
): ReceiptInput {
  const { row, type, evidence } = found;
  const { site } = deps;
  const facts = signedFacts(evidence);
  const orgnr = facts.organisation?.orgnr ?? row.orgnr;
  return {
    lang,
    agencyName: site.agency[lang],
    siteName: t['site.name'],
    caseNumber: row.case_number ?? '',
    caseTypeName: type.name[lang],
    organisation: { name: facts.organisation?.name ?? row.orgnr, orgnr: formatOrgnr(orgnr) },
    submittedAt: formatDateTime(lang, new Date(row.submitted_at ?? evidence.signed_at), site.timeZone),
    sections: summarySections(type, row.data, lang, t).map((s) => ({
      title: s.title,
      rows: s.rows.map((r) => ({ label: r.label, value: r.value })),
    })),
    attachments: (facts.attachments ?? []).map((a) => ({
      name: a.fileName ?? '',
      mediaType: a.mediaType ?? '',
      size: formatSize(a.size ?? 0, lang),
      sha256: a.sha256 ?? '',
    })),
    signature: {
      signerName: evidence.signer_name ?? '',
      signerId: formatPersonalNumber(evidence.signer_personnummer),
      method: methodName(t, evidence.method),
      signedAt: formatDateTime(lang, new Date(evidence.signed_at), site.timeZone),
      digest: evidence.digest,
      verifyUrl: new URL(`/cases/${row.id}/signature`, deps.publicUrl).toString(),
    },
    createdAt: new Date(evidence.signed_at),
  };
}

export function createReceiptStore(deps: ReceiptStoreDeps) {
  const { db } = deps;
  const making = new Map<string, Promise<StoredReceipt>>();

  async function read(caseId: string, lang: Lang): Promise<StoredReceipt | undefined> {
    const row = await db
      .selectFrom('case_receipt')
      .selectAll()
      .where('case_id', '=', caseId)
      .where('lang', '=', lang)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      pdf: Buffer.from(row.pdf),
      sha256: row.sha256,
      sealedAt: row.sealed_at,
      sealed: hasSignature(row.pdf),
      timestamped: row.timestamped === 1,
    };
  }

  async function make(found: { row: CaseRow; type: CaseTypeDef; evidence: SignatureEvidence }, lang: Lang): Promise<StoredReceipt> {
    const t = messages(lang);
    const rendered = await renderReceiptPdf(receiptInput(deps, found, lang, t), t);
    const { seal } = deps;
    // B-T when the TSA answers; when it does not, sealed without its timestamp now (nobody
    // waits on the TSA) and timestamped later (addTimestamps).
    let stamped = false;
    const timestamper = seal?.timestamper;
    const sealWith = (withTimestamp: boolean) =>
      seal
        ? sealPdf(rendered, seal.key, {
            // Real time: PDF readers compare it with the seal certificate's validity.
            signingTime: new Date(),
            reason: t['receipt.seal.reason']({ caseNumber: found.row.case_number ?? '' }),
            name: deps.site.agency[lang],
            location: t['receipt.seal.location'],
            contactInfo: deps.site.supportEmail,
            ...(withTimestamp && timestamper
              ? {
                  timestamper: async (signatureValue: Uint8Array) => {
                    const token = await timestamper(signatureValue);
                    stamped = true;
                    return token;
                  },
                }
              : {}),
          })
        : Promise.resolve(rendered);
    let pdf: Buffer;
    try {
      pdf = await sealWith(true);
    } catch (err) {
      if (!timestamper || stamped) throw err;
      pdf = await sealWith(false);
    }
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    await db
      .insertInto('case_receipt')
      .values({
        case_id: found.row.id,
        lang,
        pdf,
        sha256,
        sealed_at: deps.clock.now().toISOString(),
        timestamped: stamped ? 1 : 0,
      })
      .onConflict((oc) => oc.columns(['case_id', 'lang']).doNothing())
      .execute();
    // Whoever inserted first: everybody serves that one.
    const stored = await read(found.row.id, lang);
    if (!stored) throw new Error(`receipt of case ${found.row.id} (${lang}) not stored`);
    return stored;
  }

  const store = {
    /** The seal certificate (DER) receipts are sealed with now, for the expiry watch. */
    sealCertificate: deps.seal?.key.certificate,

    /** The stored receipt of a submitted case in `lang`, made now when there is none. */
    async receipt(found: { row: CaseRow; type: CaseTypeDef; evidence: SignatureEvidence }, lang: Lang): Promise<StoredReceipt> {
      const stored = await read(found.row.id, lang);
      if (stored) return stored;
      const key = `${found.row.id}/${lang}`;
      let pending = making.get(key);
      if (!pending) {
        pending = make(found, lang).finally(() => making.delete(key));
        making.set(key, pending);
      }
      return pending;
    },

    /**
     * Adds a signature timestamp to at most `limit` stored sealed receipts without one (sealed
     * while the TSA was down): same seal, same signed bytes, the token in the same room. The
     * update is conditional on the stored bytes, so two instances doing this at once, or a
     * receipt replaced meanwhile, never lose a write. Returns how many were upgraded.
     */
    async addTimestamps(timestamper: Timestamper, limit = 20): Promise<number> {
      const rows = await db
        .selectFrom('case_receipt')
        .select(['case_id', 'lang', 'pdf', 'sha256'])
        .where('timestamped', '=', 0)
        .orderBy('sealed_at')
        .limit(limit)
        .execute();
      let upgraded = 0;
      for (const row of rows) {
        const pdf = Buffer.from(row.pdf);
        if (!hasSignature(pdf)) continue;
        const stamped = await addSignatureTimestamp(pdf, timestamper);
        const res = await db
          .updateTable('case_receipt')
          .set({ pdf: stamped, sha256: createHash('sha256').update(stamped).digest('hex'), timestamped: 1 })
          .where('case_id', '=', row.case_id)
          .where('lang', '=', row.lang)
          .where('sha256', '=', row.sha256)
          .where('timestamped', '=', 0)
          .executeTakeFirst();
        upgraded += Number(res.numUpdatedRows);
      }
      return upgraded;
    },

    /** After a submission committed: the receipt in the submitter's language, sealed and stored. */
    async afterSubmission(caseId: string, lang: Lang): Promise<void> {
      const found = await deps.lookup(caseId);
      if (!found || found.row.status === 'draft' || !found.row.evidence_id) return;
      const evidence = await deps.evidence(found.row.evidence_id);
      if (!evidence) return;
      await store.receipt({ ...found, evidence }, lang);
    },
  };
  return store;
}

function hasSignature(pdf: Uint8Array): boolean {
  return Buffer.from(pdf).includes('/ByteRange');
}
