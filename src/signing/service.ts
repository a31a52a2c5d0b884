/**
 * Method-neutral signing. A sign request fixes what is signed — a canonical document and
 * its SHA-256 digest — who must sign it, and the text the signer sees. A method (card,
 * BankID) verifies its proof and calls `complete`, which stores the evidence and lets the
 * feature that asked for the signature act on it, in one transaction: either both happen
 * or neither. A request completes at most once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AuditLog } from '../audit/service.js';
import type { MethodId } from '../identity/methods.js';
import type { Clock } from '../platform/clock.js';
import { crashPoint } from '../platform/crash.js';
import type { Db } from '../platform/db/index.js';
import type { Database, SignatureEvidenceTable } from '../platform/db/schema.js';
import { PortalError, type ErrorMeanings } from '../platform/errors.js';
import type { TtlStore } from '../platform/store/port.js';
import { canonicalJson, sha256Hex, type CanonicalValue } from './canonical.js';
import type { EvidenceTimestamps, StoredTimestamp, TimestampStatus } from './timestamps.js';

export interface SignRequest {
  id: string;
  personnummer: string;
  /** What kind of thing is signed (e.g. "case_submission") and which one. */
  purpose: string;
  subject: string;
  /** The canonical document, exactly the bytes that are signed. */
  document: string;
  digest: string;
  /** What the signer is shown (and, for BankID, what the app displays). */
  text: string;
  /** Where the person goes when the signature is done (a local path). */
  returnPath: string;
  /** Where "go back" on the sign page leads (e.g. the review), if not to `returnPath`. */
  cancelPath?: string;
  createdAt: number;
  state: 'pending' | 'completed';
  evidenceId?: string;
  /** The last refusal, shown to the person on the sign page. */
  lastError?: string;
  /** The signer's language when signing started (for what the purpose makes afterwards, e.g. a receipt). */
  lang?: 'sv' | 'en';
}

export interface VerifiedSignature {
  method: MethodId;
  signerPersonnummer: string;
  signerName: string | null;
  signedAt: Date;
  /** JSON-serialisable method-specific proof, re-verifiable later. */
  evidence: Record<string, unknown>;
}

export type SignatureEvidence = SignatureEvidenceTable;

export interface PurposeHandler {
  /** Runs inside the transaction that stores the evidence; throw to undo both. */
  onSigned(trx: Transaction<Database>, request: SignRequest, evidence: SignatureEvidence): Promise<void>;
  /**
   * Runs after the transaction committed (e.g. sealing the receipt). A failure or a crash
   * before it is not the signature's: the purpose must be able to do it again later.
   */
  afterCommit?(request: SignRequest, evidence: SignatureEvidence): Promise<void>;
}

export interface Reverification {
  ok: boolean;
  code?: string;
  checks: Record<string, boolean>;
  detail?: string;
  /** The RFC 3161 timestamp of the evidence, when it has one (pending is not a failure). */
  timestamp?: TimestampStatus;
}

export interface MethodReverifier {
  reverify(evidence: SignatureEvidence): Promise<Reverification>;
}

export type SigningErrorCode = 'not_found' | 'not_yours' | 'already_completed' | 'digest_changed' | 'not_member';

/**
 * A lapsed or unknown request is a 404 and another person's a 403, with the same texts as
 * any page that is not there or not theirs. A signature the purpose's handler refused is
 * told on the sign page (failure.ts), with these texts.
 */
const MEANINGS = {
  not_found: { status: 404, message: 'error.not_found' },
  not_yours: { status: 403, message: 'error.forbidden' },
  already_completed: { status: 409, message: 'sign.error.already_completed' },
  digest_changed: { status: 409, message: 'sign.error.digest_changed' },
  not_member: { status: 403, message: 'sign.error.not_member' },
} satisfies ErrorMeanings<SigningErrorCode>;

export class SigningError extends PortalError<SigningErrorCode> {
  constructor(code: SigningErrorCode, detail: string) {
    super(code, MEANINGS[code], detail);
    this.name = 'SigningError';
  }
}

/** How long a person has to sign before the request lapses. */
const REQUEST_SECONDS = 15 * 60;

export function createSigning(deps: { db: Db; store: TtlStore; clock: Clock; audit: AuditLog; timestamps?: EvidenceTimestamps }) {
  const { db, store, clock, audit, timestamps } = deps;
  const purposes = new Map<string, PurposeHandler>();
  const reverifiers = new Map<string, MethodReverifier>();
  const key = (id: string) => `signreq:${id}`;

  const signing = {
    registerPurpose(purpose: string, handler: PurposeHandler): void {
      purposes.set(purpose, handler);
    },
    registerReverifier(method: MethodId, reverifier: MethodReverifier): void {
      reverifiers.set(method, reverifier);
    },

    async create(input: {
      personnummer: string;
      purpose: string;
      subject: string;
      document: CanonicalValue;
      text: string;
      returnPath: string;
      cancelPath?: string;
      lang?: 'sv' | 'en';
    }): Promise<SignRequest> {
      const document = canonicalJson(input.document);
      const request: SignRequest = {
        id: randomBytes(24).toString('base64url'),
        personnummer: input.personnummer,
        purpose: input.purpose,
        subject: input.subject,
        document,
        digest: sha256Hex(document),
        text: input.text,
        returnPath: input.returnPath,
        ...(input.cancelPath ? { cancelPath: input.cancelPath } : {}),
        ...(input.lang ? { lang: input.lang } : {}),
        createdAt: clock.now().getTime(),
        state: 'pending',
      };
      await store.upsert(key(request.id), request, REQUEST_SECONDS);
      return request;
    },

    async find(id: string): Promise<SignRequest | undefined> {
      if (!/^[A-Za-z0-9_-]{32}$/.test(id)) return undefined;
      const request = await store.find<SignRequest>(key(id));
      if (request?.state !== 'pending') return request;
      // The evidence is the truth. A crash between the commit in `complete` and marking the
      // request leaves it pending although it was signed: it is completed (and healed) here,
      // so nobody is asked to sign it again (src/crash/crash-safety.test.ts).
      const evidence = await db.selectFrom('signature_evidence').select('id').where('request_id', '=', id).executeTakeFirst();
      if (!evidence) return request;
      const completed: SignRequest = { ...request, state: 'completed', evidenceId: evidence.id };
      await store.upsert(key(id), completed, remaining(completed));
      return completed;
    },

    /** The request, if it exists and belongs to `personnummer`. */
    async findFor(id: string, personnummer: string): Promise<SignRequest> {
      const request = await signing.find(id);
      if (!request) throw new SigningError('not_found', 'no such sign request (or it lapsed)');
      if (request.personnummer !== personnummer) throw new SigningError('not_yours', 'sign request of another person');
      return request;
    },

    async noteError(request: SignRequest, code: string): Promise<void> {
      const current = await store.find<SignRequest>(key(request.id));
      if (!current || current.state !== 'pending') return;
      current.lastError = code;
      await store.upsert(key(request.id), current, remaining(current));
    },

    /**
     * Stores verified evidence and runs the purpose's handler atomically. The unique
     * request_id column makes a second completion impossible even across instances.
     */
    async complete(request: SignRequest, verified: VerifiedSignature): Promise<SignatureEvidence> {
      if (verified.signerPersonnummer !== request.personnummer) throw new SigningError('not_yours', 'signer is not the requested person');
      const now = clock.now().toISOString();
      const row: SignatureEvidence = {
        id: randomUUID(),
        request_id: request.id,
        purpose: request.purpose,
        subject: request.subject,
        method: verified.method,
        signer_personnummer: verified.signerPersonnummer,
        signer_name: verified.signerName,
        digest: request.digest,
        document: request.document,
        visible_text: request.text,
        evidence: JSON.stringify(verified.evidence),
        signed_at: verified.signedAt.toISOString(),
        verified_at: now,
      };
      try {
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('signature_evidence').values(row).execute();
          // The timestamp is owed from the moment the evidence exists: pending, in the same transaction.
          if (timestamps?.enabled) await trx.insertInto('evidence_timestamp').values(timestamps.pendingRow(row.id)).execute();
          crashPoint('sign:after-evidence');
          await purposes.get(request.purpose)?.onSigned(trx, request, row);
          crashPoint('sign:before-commit');
        });
      } catch (err) {
        const existing = await db.selectFrom('signature_evidence').select('id').where('request_id', '=', request.id).executeTakeFirst();
        if (existing) throw new SigningError('already_completed', 'the request was already signed');
        throw err;
      }
      crashPoint('sign:after-commit');
      await store.upsert(key(request.id), { ...request, state: 'completed', evidenceId: row.id } satisfies SignRequest, remaining(request));
      crashPoint('sign:after-mark');
      await audit.record({
        event: 'signature_completed',
        outcome: 'success',
        actor: verified.signerPersonnummer,
        subject: `${request.purpose}:${request.subject}`,
        details: { method: verified.method, evidenceId: row.id, digest: request.digest },
      });
      // Nobody waits on the TSA: one try now in the background, then the job's retries.
      if (timestamps?.enabled) timestamps.stampInBackground(row.id);
      // Done or not, the signature stands: the purpose redoes it when it is next needed.
      await purposes.get(request.purpose)?.afterCommit?.(request, row).catch(() => undefined);
      return row;
    },

    async evidence(id: string): Promise<SignatureEvidence | undefined> {
      if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
      return db.selectFrom('signature_evidence').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Method and time of the given evidence (at most 500 ids), by id. */
    async signatureTimes(ids: readonly string[]): Promise<Map<string, { method: string; signedAt: string }>> {
      const wanted = [...new Set(ids)].slice(0, 500);
      if (wanted.length === 0) return new Map();
      const rows = await db
        .selectFrom('signature_evidence')
        .select(['id', 'method', 'signed_at'])
        .where('id', 'in', wanted)
        .execute();
      return new Map(rows.map((r) => [r.id, { method: r.method, signedAt: r.signed_at }]));
    },

    /** Checks stored evidence again, offline: signature, digest, chain and the stored OCSP answer. */
    async reverify(evidence: SignatureEvidence): Promise<Reverification> {
      const digestOk = sha256Hex(evidence.document) === evidence.digest;
      // The timestamp stands on its own: it is checked and shown whatever the method's proof says.
      const timestamp = await timestamps?.check(evidence);
      const stamped = timestamp?.state === 'stamped' ? { timestamp: timestamp.ok } : {};
      const withTimestamp = timestamp ? { timestamp } : {};
      const reverifier = reverifiers.get(evidence.method);
      if (!reverifier) return { ok: false, code: 'method_unavailable', checks: { digest: digestOk, ...stamped }, ...withTimestamp };
      let result: Reverification;
      try {
        result = await reverifier.reverify(evidence);
      } catch (err) {
        // Stored evidence that cannot even be read is not valid evidence; say so, don't fail.
        return { ok: false, code: 'evidence_unreadable', checks: { digest: digestOk, signature: false, ...stamped }, detail: (err as Error).message, ...withTimestamp };
      }
      const timestampOk = timestamp?.state !== 'stamped' || timestamp.ok;
      return {
        ...result,
        ok: result.ok && digestOk && timestampOk,
        checks: { digest: digestOk, ...result.checks, ...stamped },
        ...withTimestamp,
      };
    },

    /** The stored timestamp token of the evidence and its genTime (for the archival package). */
    async timestampOf(evidenceId: string): Promise<StoredTimestamp> {
      return timestamps ? timestamps.timestampOf(evidenceId) : { state: 'none' };
    },
  };

  function remaining(request: SignRequest): number {
    return Math.max(1, Math.ceil((request.createdAt + REQUEST_SECONDS * 1000 - clock.now().getTime()) / 1000));
  }

  return signing;
}

export type Signing = ReturnType<typeof createSigning>;
