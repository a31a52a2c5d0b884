/**
 * Fuzzing the BankID RP API client's decoding of /auth, /sign and /collect answers: a local
 * HTTP server answers with arbitrary JSON (and arbitrary text, and error statuses).
 * Invariants: every call either returns a well-typed result built from what was sent or
 * throws a BankIdError (which the BankID service turns into a message, never a 500); a
 * `complete` result only comes from an answer that said so and carried the required
 * fields; and a completion made of junk never passes verification.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_NOW } from '../../test/support/app.js';
import { fuzzRuns, fuzzTimeout } from '../../test/support/fuzz.js';
import { rfaForError } from '../bankid/rfa.js';
import { BANKID_API_ERROR_CODES, BankIdError, createBankIdClient, type BankIdClient, type CollectResponse } from '../bankid/rp-client.js';
import { verifyBankIdCompletion } from '../bankid/verify.js';
import { ManualClock } from '../platform/clock.js';

const RUNS = fuzzRuns();

/** What the fake BankID answers next. */
let answer: { status: number; body: string } = { status: 200, body: '{}' };
let server: Server;
let client: BankIdClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = createBankIdClient({
    baseUrl: `http://127.0.0.1:${port}`,
    ca: '',
    timeoutMs: 5_000,
    clock: new ManualClock(TEST_NOW),
    // Malformed answers count as failures; the circuit must not open in the middle of a run.
    breakerThreshold: Number.MAX_SAFE_INTEGER,
  });
});
afterAll(async () => {
  await client.close();
  await new Promise((resolve) => server.close(resolve));
});

/** Runs `call` against `body`; returns the result or the BankIdError, and fails on any other throw. */
async function outcome<T>(status: number, body: string, call: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: BankIdError }> {
  answer = { status, body };
  try {
    return { ok: true, value: await call() };
  } catch (err) {
    if (!(err instanceof BankIdError)) throw new Error(`not a BankIdError for ${status} ${body}: ${String(err)}`);
    return { ok: false, error: err };
  }
}

/** Any JSON value, often in the shape of a real answer with odd values where it matters. */
const odd = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }), fc.constant({}), fc.constant([]));
/** Mostly the right type; now and then another JSON value, or absent (undefined is left out by JSON.stringify). */
const maybe = <T,>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: arb, weight: 8 }, { arbitrary: odd, weight: 1 }, { arbitrary: fc.constant(undefined), weight: 1 });
const orderShape = fc.record(
  { orderRef: maybe(fc.uuid()), autoStartToken: maybe(fc.uuid()), qrStartToken: maybe(fc.uuid()), qrStartSecret: maybe(fc.uuid()), extra: maybe(fc.string()) },
);
const completionShape = fc.record(
  {
    user: maybe(fc.record({ personalNumber: maybe(fc.string()), name: maybe(fc.string()), givenName: maybe(fc.string()), surname: maybe(fc.string()) })),
    device: maybe(fc.record({ ipAddress: maybe(fc.string()), uhi: maybe(fc.string()) })),
    bankIdIssueDate: maybe(fc.string()),
    stepUp: maybe(fc.record({ mrtd: maybe(fc.boolean()) })),
    signature: maybe(fc.oneof(fc.string(), fc.base64String())),
    ocspResponse: maybe(fc.oneof(fc.string(), fc.base64String())),
    risk: maybe(fc.constantFrom('low', 'moderate', 'high')),
  },
);
const collectShape = fc.record(
  {
    orderRef: maybe(fc.uuid()),
    status: maybe(fc.oneof({ arbitrary: fc.constant('complete'), weight: 4 }, fc.constantFrom('pending', 'failed', 'Complete', 'completed', ''))),
    hintCode: maybe(fc.constantFrom('outstandingTransaction', 'userSign', 'expiredTransaction', 'certificateErr', 'userCancel')),
    completionData: maybe(completionShape),
  },
);
const jsonText = (shape: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: shape, weight: 3 }, { arbitrary: fc.jsonValue(), weight: 1 }).map((v) => JSON.stringify(v) ?? 'null');

const asRecord = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined);

describe('BankID RP client decoding under fuzzing', () => {
  it('/auth and /sign: four strings exactly as sent, or a malformed BankIdError', async () => {
    await fc.assert(
      fc.asyncProperty(jsonText(orderShape), fc.boolean(), async (body, sign) => {
        const r = await outcome(200, body, () =>
          sign ? client.sign({ endUserIp: '127.0.0.1', userVisibleData: 'eA==' }) : client.auth({ endUserIp: '127.0.0.1' }),
        );
        const sent = asRecord(JSON.parse(body));
        if (!r.ok) {
          expect(r.error.code).toBe('malformed');
          return;
        }
        expect(r.value).toEqual({
          orderRef: sent?.['orderRef'],
          autoStartToken: sent?.['autoStartToken'],
          qrStartToken: sent?.['qrStartToken'],
          qrStartSecret: sent?.['qrStartSecret'],
        });
        for (const v of Object.values(r.value)) expect(typeof v).toBe('string');
      }),
      { numRuns: RUNS },
    );
  }, fuzzTimeout(RUNS, 10));

  it('/collect: complete only when the answer says complete and carries the required strings; otherwise pending, failed or malformed', async () => {
    await fc.assert(
      fc.asyncProperty(jsonText(collectShape), async (body) => {
        const r = await outcome(200, body, () => client.collect('11111111-2222-3333-4444-555555555555'));
        const sent = asRecord(JSON.parse(body));
        if (!r.ok) {
          expect(r.error.code).toBe('malformed');
          return;
        }
        const got: CollectResponse = r.value;
        expect(got.orderRef).toBe(sent?.['orderRef']);
        expect(typeof sent?.['status']).toBe('string');
        if (got.status !== 'complete') {
          if (got.status === 'failed') expect(sent?.['status']).toBe('failed');
          expect(got.hintCode === undefined || got.hintCode === sent?.['hintCode']).toBe(true);
          return;
        }
        expect(sent?.['status']).toBe('complete');
        const c = asRecord(sent?.['completionData']);
        const user = asRecord(c?.['user']);
        expect(got.completionData.signature).toBe(c?.['signature']);
        expect(got.completionData.ocspResponse).toBe(c?.['ocspResponse']);
        expect(got.completionData.user.personalNumber).toBe(user?.['personalNumber']);
        expect(got.completionData.user.name).toBe(user?.['name']);
        for (const v of [got.completionData.user.givenName, got.completionData.user.surname, got.completionData.device.ipAddress]) expect(typeof v).toBe('string');
        if (got.completionData.risk !== undefined) expect(typeof got.completionData.risk).toBe('string');
        if (got.completionData.stepUp !== undefined) expect(typeof got.completionData.stepUp.mrtd).toBe('boolean');
        // Junk that decodes as complete is still junk to the verifier.
        const verified = verifyBankIdCompletion({ completion: got.completionData, expectedVisibleData: undefined, expectedNonVisibleData: undefined, roots: [], at: new Date(TEST_NOW) });
        expect(verified.ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  }, fuzzTimeout(RUNS, 10));

  it('error statuses and non-JSON answers: a BankIdError with the status, never a result', async () => {
    const errorBody = fc.oneof(
      fc.record({ errorCode: maybe(fc.constantFrom('alreadyInProgress', 'invalidParameters', 'unauthorized', 'notFound', 'requestTimeout', 'internalError')), details: maybe(fc.string()) }).map((v) => JSON.stringify(v)),
      fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
      fc.string(),
    );
    const status = fc.constantFrom(400, 401, 403, 404, 405, 408, 415, 429, 500, 502, 503);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.tuple(status, errorBody), fc.tuple(fc.constant(200), fc.string().filter((t) => { try { JSON.parse(t); return false; } catch { return true; } }))), fc.constantFrom('auth', 'collect'), async ([code, body], endpoint) => {
        const r = await outcome<unknown>(code, body, () => (endpoint === 'auth' ? client.auth({ endUserIp: '127.0.0.1' }) : client.collect('x')));
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.error.httpStatus).toBe(code);
          expect([...BANKID_API_ERROR_CODES, 'malformed', 'upstream']).toContain(r.error.code);
          // Whatever the code, the person gets one of BankID's messages.
          expect(rfaForError(r.error.code)).toMatch(/^RFA\d+$/);
          expect(r.error.messageKey).toMatch(/^bankid\.RFA\d+$/);
        }
      }),
      { numRuns: RUNS },
    );
  }, fuzzTimeout(RUNS, 10));
});

describe('BankID RP client: findings kept as regression tests', () => {
  // Found by the error-status property in a first form that demanded a non-empty
  // errorCode: {"errorCode":""} with HTTP 400 gives BankIdError(''). Not a flaw: an unknown
  // code is `upstream` (the code as given kept for the log), shown as RFA22.
  it('an empty errorCode is a BankIdError with the status, shown as the generic message', async () => {
    const r = await outcome(400, '{"errorCode":""}', () => client.auth({ endUserIp: '127.0.0.1' }));
    expect(r).toMatchObject({ ok: false, error: { code: 'upstream', upstreamCode: '', httpStatus: 400 } });
    expect(rfaForError('')).toBe('RFA22');
    expect(rfaForError('upstream')).toBe('RFA22');
  });
});
