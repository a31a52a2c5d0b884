/**
 * The cost of a receipt: the receipt of a submitted case is a PDF rendered and sealed on the
 * event loop, and a case may hold words thousands of characters long. One receipt must stay
 * cheap (no work that grows faster than the text), is rendered and sealed once (at
 * submission, or at the first download of the other language) and then served from storage,
 * and storage is asked only after the access check. Each test opens with the attack and the
 * invariant.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { renderReceiptPdf } from '../cases/receipt.js';

// The real renderer, counted: how often a receipt is rendered rather than served.
vi.mock('../cases/receipt.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../cases/receipt.js')>();
  return { ...actual, renderReceiptPdf: vi.fn(actual.renderReceiptPdf) };
});
const renders = vi.mocked(renderReceiptPdf);

const TESTA = '198112289874'; // Nordvik only
const KIM = '197010632391'; // Skärgården only: another organisation
/** A ceiling that catches runaway work, not a speed requirement. */
const CEILING_MS = 5000;

interface Who {
  cookie: string;
  csrf: string;
}

let t: TestApp;
let testa: Who;
beforeAll(async () => {
  t = await startTestApp();
  testa = await t.loginAs(TESTA);
}, 60_000);
afterAll(() => t.close());

const origin = () => new URL(t.config.http.publicUrl).origin;

function post(who: Who, url: string, fields: Record<string, string>) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: origin() },
    payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
  });
}

const get = (who: Who | undefined, url: string, lang = 'sv') =>
  t.app.inject({ url, headers: who ? { cookie: `${who.cookie}; kw_lang=${lang}` } : {} });

/** A submitted and signed "Övrigt ärende" of Nordvik with the given subject and description. */
async function submittedCase(subject: string, body: string): Promise<string> {
  const created = await post(testa, '/cases', { type: 'other_case' });
  const id = /^\/cases\/([0-9a-f-]{36})\/steps\//.exec(String(created.headers.location))?.[1];
  if (!id) throw new Error(`draft not created: ${created.statusCode}`);
  const revision = String((await t.services.cases.find(id))?.revision ?? -1);
  const filled = await post(testa, `/cases/${id}/steps/case`, { revision, _action: 'next', subject, body });
  expect(filled.statusCode, filled.body.slice(0, 300)).toBe(303);
  const review = await get(testa, `/cases/${id}/review`);
  const digest = /name="digest" value="([0-9a-f]{64})"/.exec(review.body)?.[1] ?? '';
  const submitted = await post(testa, `/cases/${id}/submit`, { digest });
  const signId = /^\/sign\/([A-Za-z0-9_-]+)$/.exec(String(submitted.headers.location))?.[1];
  const request = signId ? await t.services.signing.find(signId) : undefined;
  if (!request) throw new Error(`submission not started: ${submitted.statusCode}`);
  await t.services.signing.complete(request, {
    method: 'telia_card',
    signerPersonnummer: TESTA,
    signerName: 'Testa Testsson',
    signedAt: t.clock.now(),
    evidence: { format: 'test' },
  });
  return id;
}

/** The subject (150) and the description (5,000) at their limits, each one unbroken word. */
const LONG_SUBJECT = 'Ä'.repeat(150);
const LONG_BODY = 'W'.repeat(5000);

/** How many receipts are stored for the case. */
async function storedReceipts(id: string): Promise<number> {
  const rows = await t.services.db.selectFrom('case_receipt').select('lang').where('case_id', '=', id).execute();
  return rows.length;
}

describe('the receipt of a case with a 5,000-character word', () => {
  let id: string;
  beforeAll(async () => {
    id = await submittedCase(LONG_SUBJECT, LONG_BODY);
    // One ordinary receipt first: fonts read, code warm; what is timed is the long word.
    const warm = await submittedCase('Vanligt ärende', 'Kort beskrivning.');
    expect((await get(testa, `/cases/${warm}/receipt.pdf`)).statusCode).toBe(200);
  }, 60_000);

  it('attack: five parallel first downloads of the English receipt (the Swedish one was sealed at submission) of a case whose description is one 5,000-character word, and an anonymous GET /login among them → invariant: all answered within 5 s (it took 11 s), the receipt rendered once, one row stored, the same bytes to all', async () => {
    expect(await storedReceipts(id)).toBe(1);
    renders.mockClear();
    const started = performance.now();
    const timed = (request: ReturnType<typeof get>) => request.then((res) => ({ res, ms: performance.now() - started }));
    const downloads = Array.from({ length: 5 }, () => timed(get(testa, `/cases/${id}/receipt.pdf`, 'en')));
    const [login, ...receipts] = await Promise.all([timed(get(undefined, '/login')), ...downloads]);
    expect(login?.res.statusCode).toBe(200);
    expect(login?.ms).toBeLessThan(CEILING_MS);
    for (const receipt of receipts) {
      expect(receipt.res.statusCode).toBe(200);
      expect(receipt.res.headers['content-type']).toBe('application/pdf');
      expect(receipt.ms).toBeLessThan(CEILING_MS);
    }
    expect(renders).toHaveBeenCalledTimes(1);
    expect(new Set(receipts.map((r) => r.res.rawPayload.toString('base64'))).size).toBe(1);
    expect(await storedReceipts(id)).toBe(2);
  });

  it('attack: the receipt is downloaded again and again, expecting a rendering each time → invariant: no GET renders and every GET sends the same bytes', async () => {
    renders.mockClear();
    const first = await get(testa, `/cases/${id}/receipt.pdf`, 'sv');
    const second = await get(testa, `/cases/${id}/receipt.pdf`, 'sv');
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(renders).not.toHaveBeenCalled();
    expect(second.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(second.headers['cache-control']).toBe('private, no-store');
  });

  it('attack: another organisation, or nobody, asks for a receipt not stored yet → invariant: refused as before; nothing rendered or stored for them', async () => {
    const other = await submittedCase('Bara svenska', 'Kvittot på engelska finns inte än.');
    const kim = await t.loginAs(KIM);
    renders.mockClear();
    for (const who of [kim, undefined]) {
      const refused = await get(who, `/cases/${other}/receipt.pdf`, 'en');
      expect(refused.statusCode).toBeGreaterThanOrEqual(300);
      expect(refused.headers['content-type']).not.toBe('application/pdf');
      expect(refused.rawPayload.subarray(0, 5).toString()).not.toBe('%PDF-');
    }
    expect(renders).not.toHaveBeenCalled();
    expect(await storedReceipts(other)).toBe(1);
  });
});
