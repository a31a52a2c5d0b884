/**
 * RFC 3161 timestamps of signature evidence. What is stamped is the evidence itself: the
 * UTF-8 bytes of its `evidence` column (the method's proof with its OCSP answer). The
 * signing service writes a pending row in the transaction that stores the evidence, so none
 * is forgotten; right after the commit one try is made in the background (nobody waits on a
 * TSA), and the housekeeping job (`stampDue`) retries what is pending with backoff.
 *
 * Two instances: a try first claims the row with a conditional UPDATE (pending and due),
 * which pushes its next attempt past the TSA timeout; the other instance's claim then
 * changes no row and it does nothing. The result is written only `WHERE state = 'pending'`.
 */
import type { AuditLog } from '../audit/service.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/index.js';
import type { EvidenceTimestampTable, SignatureEvidenceTable } from '../platform/db/schema.js';
import { pemToDerList } from '../platform/pki.js';
import { requestTimestamp, TsaError, verifyTimestampToken, type TimestampToken, type TsaClientConfig } from '../platform/tsa.js';

export interface TimestampSettings {
  readonly url: string;
  readonly timeoutMs: number;
  readonly retrySeconds: number;
  /** The TSA roots (DER) a token must chain to. */
  readonly anchors: readonly Uint8Array[];
}

/** The timestamp as re-verification reports it. */
export type TimestampStatus =
  | { state: 'pending' }
  | { state: 'stamped'; ok: boolean; genTime: string | undefined; detail?: string };

export interface StoredTimestamp {
  state: 'none' | 'pending' | 'stamped';
  tokenDer?: Uint8Array;
  genTime?: string;
}

/** The bytes that are timestamped: the evidence column as UTF-8. */
export function evidenceBytes(evidence: Pick<SignatureEvidenceTable, 'evidence'>): Uint8Array {
  return new Uint8Array(Buffer.from(evidence.evidence, 'utf8'));
}

/** The TSA roots of a PEM file; a file without a certificate is a startup error. */
export function tsaAnchorsFromPem(pem: string, file: string): Uint8Array[] {
  const anchors = pemToDerList(pem);
  if (anchors.length === 0) throw new Error(`KW_TSA_CA_FILE ${file} holds no certificate`);
  return anchors;
}

const MAX_BACKOFF_SECONDS = 6 * 3600;
/** At most this many per run; a run stops at the first TSA that does not answer (the rest would wait on it too). */
const BATCH = 100;

interface StampDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  logger?: { warn(obj: object, msg: string): void };
  /** For tests: how a token is fetched (default: requestTimestamp). */
  request?: (config: TsaClientConfig, data: Uint8Array) => Promise<TimestampToken>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** One try for one evidence: claim the row, ask the TSA, write the outcome (see the module comment). */
async function attemptStamp(deps: StampDeps, settings: TimestampSettings, evidenceId: string): Promise<{ outcome: 'stamped' | 'failed' | 'skipped'; code?: string }> {
  const { db, clock, audit } = deps;
  const fetchToken = deps.request ?? requestTimestamp;
  const now = clock.now().getTime();
  const row = await db
    .selectFrom('evidence_timestamp as t')
    .innerJoin('signature_evidence as e', 'e.id', 't.evidence_id')
    .select(['t.attempts', 't.next_attempt_at', 'e.evidence'])
    .where('t.evidence_id', '=', evidenceId)
    .where('t.state', '=', 'pending')
    .where('t.next_attempt_at', '<=', iso(now))
    .executeTakeFirst();
  if (!row) return { outcome: 'skipped' };
  const leaseMs = settings.timeoutMs + 30_000;
  const claimed = await db
    .updateTable('evidence_timestamp')
    .set({ next_attempt_at: iso(now + leaseMs), updated_at: iso(now) })
    .where('evidence_id', '=', evidenceId)
    .where('state', '=', 'pending')
    .where('next_attempt_at', '=', row.next_attempt_at)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) return { outcome: 'skipped' };

  let token: TimestampToken;
  try {
    token = await fetchToken({ url: settings.url, timeoutMs: settings.timeoutMs, anchors: settings.anchors }, evidenceBytes(row));
  } catch (err) {
    const code = err instanceof TsaError ? err.code : 'unavailable';
    const message = (err instanceof Error ? err.message : String(err)).slice(0, 400);
    const backoff = Math.min(settings.retrySeconds * 2 ** Math.min(row.attempts, 20), MAX_BACKOFF_SECONDS);
    const later = clock.now().getTime();
    await db
      .updateTable('evidence_timestamp')
      .set({ attempts: row.attempts + 1, next_attempt_at: iso(later + backoff * 1000), last_error: message, updated_at: iso(later) })
      .where('evidence_id', '=', evidenceId)
      .where('state', '=', 'pending')
      .execute();
    deps.logger?.warn({ evidenceId, attempts: row.attempts + 1, code, err: message }, 'evidence timestamp failed; retried later');
    if (row.attempts === 0) {
      await audit.record({ event: 'evidence_timestamped', outcome: 'failure', subject: `evidence:${evidenceId}`, details: { code, retryInSeconds: backoff } });
    }
    return { outcome: 'failed', code };
  }
  const done = clock.now().getTime();
  const written = await db
    .updateTable('evidence_timestamp')
    .set({
      state: 'stamped',
      token: Buffer.from(token.tokenDer).toString('base64'),
      gen_time: token.genTime.toISOString(),
      attempts: row.attempts + 1,
      last_error: null,
      updated_at: iso(done),
    })
    .where('evidence_id', '=', evidenceId)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  if (Number(written.numUpdatedRows) !== 1) return { outcome: 'skipped' };
  await audit.record({
    event: 'evidence_timestamped',
    outcome: 'success',
    subject: `evidence:${evidenceId}`,
    details: { genTime: token.genTime.toISOString(), serial: token.serialHex, attempts: row.attempts + 1 },
  });
  return { outcome: 'stamped' };
}

export function createEvidenceTimestamps(deps: StampDeps & { settings: TimestampSettings | undefined }) {
  const { db, clock, settings } = deps;
  const inFlight = new Set<Promise<unknown>>();
  const attempt = (evidenceId: string) => (settings ? attemptStamp(deps, settings, evidenceId) : Promise.resolve({ outcome: 'skipped' as const, code: undefined }));

  /** Claims, asks the TSA and writes the outcome; 'skipped' when not pending, not due, or claimed elsewhere. */
  async function stamp(evidenceId: string): Promise<'stamped' | 'failed' | 'skipped'> {
    return (await attempt(evidenceId)).outcome;
  }

  /** Pending rows for evidence without one (stored before a TSA was configured); safe on two instances. */
  async function adoptUnstamped(): Promise<void> {
    const missing = await db
      .selectFrom('signature_evidence as e')
      .leftJoin('evidence_timestamp as t', 't.evidence_id', 'e.id')
      .select('e.id')
      .where('t.evidence_id', 'is', null)
      .limit(BATCH)
      .execute();
    if (missing.length === 0) return;
    await db
      .insertInto('evidence_timestamp')
      .values(missing.map((m) => pendingRow(m.id)))
      .onConflict((oc) => oc.column('evidence_id').doNothing())
      .execute();
  }

  function pendingRow(evidenceId: string): EvidenceTimestampTable {
    const now = clock.now().toISOString();
    return { evidence_id: evidenceId, state: 'pending', token: null, gen_time: null, tsa: settings?.url ?? '', attempts: 0, next_attempt_at: now, last_error: null, created_at: now, updated_at: now };
  }

  return {
    enabled: settings !== undefined,

    /** The pending row to insert with the evidence (same transaction). */
    pendingRow,

    stamp,

    /** One try now, not awaited by the caller; failures are logged and left to the job. */
    stampInBackground(evidenceId: string): void {
      const attempt = stamp(evidenceId).catch((err: unknown) => {
        deps.logger?.warn({ evidenceId, err: err instanceof Error ? err.message : String(err) }, 'evidence timestamp try failed');
      });
      inFlight.add(attempt);
      void attempt.finally(() => inFlight.delete(attempt));
    },

    /** Waits for the background tries started so far (tests, shutdown). */
    async settled(): Promise<void> {
      await Promise.all([...inFlight]);
    },

    /**
     * The housekeeping step: stamps what is pending and due; returns how many were stamped.
     * Evidence stored while no TSA was configured gets its pending row here first.
     */
    async stampDue(): Promise<number> {
      if (!settings) return 0;
      await adoptUnstamped();
      const due = await db
        .selectFrom('evidence_timestamp')
        .select('evidence_id')
        .where('state', '=', 'pending')
        .where('next_attempt_at', '<=', clock.now().toISOString())
        .orderBy('next_attempt_at')
        .limit(BATCH)
        .execute();
      let stamped = 0;
      for (const { evidence_id } of due) {
        const result = await attempt(evidence_id);
        if (result.outcome === 'stamped') stamped++;
        if (result.code === 'unavailable') break;
      }
      return stamped;
    },

    /** How many timestamps have been pending for over `seconds` (readiness warns of a TSA down for long). */
    async overdue(seconds: number): Promise<number> {
      if (!settings) return 0;
      const before = iso(clock.now().getTime() - seconds * 1000);
      const row = await db.selectFrom('evidence_timestamp').select((eb) => eb.fn.countAll<number | string>().as('n')).where('state', '=', 'pending').where('created_at', '<', before).executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    /** The stored timestamp of one piece of evidence (for the archival package). */
    async timestampOf(evidenceId: string): Promise<StoredTimestamp> {
      const row = await db.selectFrom('evidence_timestamp').selectAll().where('evidence_id', '=', evidenceId).executeTakeFirst();
      if (!row) return { state: 'none' };
      if (row.state !== 'stamped' || row.token === null) return { state: 'pending' };
      return { state: 'stamped', tokenDer: new Uint8Array(Buffer.from(row.token, 'base64')), ...(row.gen_time ? { genTime: row.gen_time } : {}) };
    },

    /** Re-verifies the stored token over the evidence, offline; undefined when the evidence has none. */
    async check(evidence: SignatureEvidenceTable): Promise<TimestampStatus | undefined> {
      const row = await db.selectFrom('evidence_timestamp').select(['state', 'token']).where('evidence_id', '=', evidence.id).executeTakeFirst();
      if (!row) return undefined;
      if (row.state !== 'stamped' || row.token === null) return { state: 'pending' };
      const result = verifyTimestampToken(new Uint8Array(Buffer.from(row.token, 'base64')), evidenceBytes(evidence), settings?.anchors ?? []);
      return {
        state: 'stamped',
        ok: result.ok,
        genTime: result.genTime?.toISOString(),
        ...(result.detail ? { detail: result.detail } : {}),
      };
    },
  };
}

export type EvidenceTimestamps = ReturnType<typeof createEvidenceTimestamps>;
