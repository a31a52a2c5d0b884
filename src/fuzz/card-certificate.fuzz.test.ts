/**
 * Fuzzing the card certificate intake: the validation of a client certificate
 * (verifyCardCertificate) and, in proxy mode, the card listener's decoding of the
 * forwarded-certificate header. Real certificates from the test PKI are truncated,
 * bit-flipped and spliced; arbitrary bytes and header text are thrown at both.
 * Invariants: a clean refusal with a known code, never an exception (the listener would
 * answer `bad_request` after logging a 500), never a login with a mutated certificate.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCardTestbed, type CardTestbed } from '../../test/support/card.js';
import { fuzzRuns, fuzzTimeout, mutatedBytes, mutatedText, withUndecodableRsaKey } from '../../test/support/fuzz.js';
import type { IssuerProfile } from '../card/issuers.js';
import type { OcspClient } from '../card/ocsp.js';
import { CARD_FAILURE_CODES, type CardFailureCode } from '../card/service.js';
import { verifyCardCertificate, type CardValidation, type Purpose } from '../card/validate.js';
import { derToPem, pemToDerList, serialHex, parseCertificate } from '../platform/pki.js';

const RUNS = fuzzRuns();
const TOLVAN = '191212121212';
const STATE = 'f'.repeat(43);

let tb: CardTestbed;
let profiles: readonly IssuerProfile[];
let loginDer: Uint8Array;
let signingDer: Uint8Array;

beforeAll(async () => {
  tb = await startCardTestbed({
    env: { KW_CARD_MODE: 'proxy', KW_CARD_PROXY_ADDRESSES: '127.0.0.1', KW_LOGIN_RATE_LIMIT_PER_MINUTE: '100000' },
  });
  profiles = tb.t.services.cardLogin?.profiles ?? [];
  loginDer = pemToDerList(tb.card(TOLVAN, 'login').cert)[0] ?? new Uint8Array();
  signingDer = pemToDerList(tb.card(TOLVAN, 'signing').cert)[0] ?? new Uint8Array();
}, 120_000);
afterAll(() => tb.close());

/**
 * An OCSP client that says "good" about anything: revocation cannot save a mutated
 * certificate here, only parsing, the chain and the signature checks can.
 */
const alwaysGood: OcspClient = {
  stats: { requests: 0, cacheHits: 0 },
  check: (cert) =>
    Promise.resolve({
      status: 'good',
      revokedAt: null,
      thisUpdate: tb.clock.now(),
      nextUpdate: null,
      producedAt: tb.clock.now(),
      responseDer: cert.der,
      fromCache: false,
    }),
};

function validate(der: Uint8Array | undefined, purpose: Purpose): Promise<CardValidation> {
  return verifyCardCertificate({ der, purpose, at: tb.clock.now(), profiles, isMethodEnabled: () => Promise.resolve(true), ocsp: alwaysGood });
}

const REFUSALS: readonly string[] = CARD_FAILURE_CODES;

describe('verifyCardCertificate under fuzzing', () => {
  it('the unmutated certificates pass (so the refusals below are about the mutations)', async () => {
    expect(await validate(loginDer, 'authentication')).toMatchObject({ ok: true, card: { personnummer: TOLVAN } });
    expect(await validate(signingDer, 'signature')).toMatchObject({ ok: true, card: { personnummer: TOLVAN } });
  });

  it('arbitrary bytes: a refusal with a known code, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.constantFrom<Purpose>('authentication', 'signature'), async (der, purpose) => {
        const r = await validate(der, purpose);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(REFUSALS).toContain(r.code);
      }),
      { numRuns: RUNS },
    );
  });

  it('a mutated real certificate (flips, truncation, splices) is never accepted, and never throws', async () => {
    const cases = fc.oneof(
      mutatedBytes(loginDer).map((der) => ({ der, purpose: 'authentication' as const })),
      mutatedBytes(signingDer).map((der) => ({ der, purpose: 'signature' as const })),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ({ der, purpose }) => {
        const r = await validate(der, purpose);
        if (r.ok) throw new Error(`a mutated certificate was accepted (${Buffer.from(der).toString('base64')})`);
        expect(REFUSALS).toContain(r.code);
      }),
      { numRuns: RUNS },
    );
  }, fuzzTimeout(RUNS, 5));
});

describe('the card listener in proxy mode under fuzzing', () => {
  /** What the listener did with a forwarded header: the failure code, or the redeemed ticket. */
  async function forward(header: string): Promise<{ failed: string } | { serial: string; personnummer: string }> {
    const listener = tb.t.cardListener;
    if (!listener) throw new Error('no card listener');
    const res = await listener.inject({ method: 'GET', url: `/card/login?state=${STATE}`, headers: { 'x-client-cert': header }, remoteAddress: '127.0.0.1' });
    expect(res.statusCode).toBe(303);
    const location = new URL(String(res.headers.location));
    if (location.pathname === '/login/card/failed') return { failed: location.searchParams.get('code') ?? '' };
    expect(location.pathname).toBe('/login/card/return');
    const ticket = await tb.t.services.cardLogin?.redeem(location.searchParams.get('ticket'), STATE, null);
    if (!ticket) throw new Error('a ticket that does not redeem');
    return { serial: ticket.serial, personnummer: ticket.personnummer };
  }

  /** A clean refusal: a known code, and not `bad_request` (what an exception in the handler turns into). */
  function expectRefusal(outcome: Awaited<ReturnType<typeof forward>>, input: string) {
    if (!('failed' in outcome)) throw new Error(`accepted: ${input}`);
    expect(REFUSALS).toContain(outcome.failed as CardFailureCode);
    expect(outcome.failed, input).not.toBe('bad_request');
  }

  /** Characters a header value may carry (visible ASCII, space, tab, obs-text). */
  const headerText = fc.string({
    unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.constant(0x09), fc.integer({ min: 0x80, max: 0xff })).map((c) => String.fromCharCode(c)),
    minLength: 1,
    maxLength: 600,
  }).filter((s) => s.trim() !== '');

  it('the unmutated certificate logs in, URL-encoded PEM and raw base64 DER alike', async () => {
    const serial = serialHex(parseCertificate(loginDer));
    expect(await forward(encodeURIComponent(derToPem(loginDer)))).toEqual({ serial, personnummer: TOLVAN });
    expect(await forward(Buffer.from(loginDer).toString('base64'))).toEqual({ serial, personnummer: TOLVAN });
  });

  it('arbitrary header text: a clean refusal', async () => {
    const pemLike = fc.tuple(headerText, headerText).map(([a, b]) => `-----BEGIN CERTIFICATE-----${a}-----END CERTIFICATE-----${b}`);
    const percent = fc.string({ unit: fc.constantFrom('%', '%2', '%E0', '%FF', '%0A', 'A', '=', '+', '/'), minLength: 1, maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(fc.oneof(headerText, pemLike, percent, fc.base64String({ minLength: 4, maxLength: 400 })), async (header) => {
        expectRefusal(await forward(header), header);
      }),
      { numRuns: RUNS },
    );
  }, fuzzTimeout(RUNS, 10));

  it('a mutated certificate forwarded as URL-encoded PEM, PEM with tabs or base64 DER: a clean refusal', async () => {
    const encodings = fc.constantFrom(
      (der: Uint8Array) => encodeURIComponent(derToPem(der)),
      (der: Uint8Array) => derToPem(der).trim().replace(/\n/g, '\t'),
      (der: Uint8Array) => Buffer.from(der).toString('base64'),
    );
    await fc.assert(
      fc.asyncProperty(mutatedBytes(loginDer), encodings, async (der, encode) => {
        const header = encode(der);
        expectRefusal(await forward(header), header);
      }),
      { numRuns: RUNS },
    );
  }, fuzzTimeout(RUNS, 10));

  it('an edited header (text inserted, deleted, replaced): refused, or the very same certificate', async () => {
    const original = serialHex(parseCertificate(loginDer));
    const headers = fc.oneof(
      mutatedText(encodeURIComponent(derToPem(loginDer)), fc.string({ unit: fc.constantFrom('%', '0', 'A', 'a', '/', '+', '=', '-', ' ', '\t', '%0A', '%2B'), maxLength: 6 })),
      mutatedText(Buffer.from(loginDer).toString('base64'), fc.string({ unit: fc.constantFrom('A', 'z', '9', '/', '+', '=', ' ', '%'), maxLength: 6 })),
    );
    await fc.assert(
      fc.asyncProperty(headers, async (header) => {
        const outcome = await forward(header);
        if ('failed' in outcome) expectRefusal(outcome, header);
        else expect(outcome, header).toEqual({ serial: original, personnummer: TOLVAN });
      }),
      { numRuns: RUNS },
    );
  }, fuzzTimeout(RUNS, 10));
});

describe('card certificate intake: findings kept as regression tests', () => {
  // Found by "a mutated real certificate … is never accepted, and never throws" (one bit
  // flipped in the length of the subjectPublicKeyInfo algorithm OID): node:crypto parsed
  // the certificate but threw "decode error" when the self-signed check asked for its key,
  // so the error escaped verifyCardCertificate and the card listener answered with a logged
  // 500 (redirect code bad_request). Fixed in platform/pki.ts (parseCertificate decodes the key).
  it('a certificate whose public key does not decode is malformed, not an exception', async () => {
    expect(await validate(withUndecodableRsaKey(loginDer), 'authentication')).toMatchObject({ ok: false, code: 'malformed_certificate' });
    expect(await validate(withUndecodableRsaKey(signingDer), 'signature')).toMatchObject({ ok: false, code: 'malformed_certificate' });
  });

  it('…and forwarded by the proxy it is refused as malformed_certificate, not bad_request', async () => {
    const res = await tb.t.cardListener?.inject({
      method: 'GET',
      url: `/card/login?state=${STATE}`,
      headers: { 'x-client-cert': encodeURIComponent(derToPem(withUndecodableRsaKey(loginDer))) },
      remoteAddress: '127.0.0.1',
    });
    expect(res?.headers.location).toMatch(/\/login\/card\/failed\?code=malformed_certificate$/);
  });
});
