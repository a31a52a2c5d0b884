/**
 * The cost of a receipt: the receipt of a submitted case is a PDF rendered on the event
 * loop, and a case may hold words thousands of characters long. One receipt must stay cheap
 * (no work that grows faster than the text), is rendered once and then served from a
 * bounded cache, and the cache is asked only after the access check. Each test opens with
 * the attack and the invariant.
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
const MAX_ENTRIES = 3;
/** A ceiling that catches runaway work, not a speed requirement. */
const CEILING_MS = 5000;

interface Who {
  cookie: string;
  csrf: string;
}

let t: TestApp;
let testa: Who;
beforeAll(async () => {
  t = await startTestApp({ env: { KW_RECEIPT_CACHE_ENTRIES: String(MAX_ENTRIES) } });
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

describe('the receipt of a case with a 5,000-character word', () => {
  let id: string;
  beforeAll(async () => {
    id = await submittedCase(LONG_SUBJECT, LONG_BODY);
    // One ordinary receipt first: fonts read, code warm; what is timed is the long word.
    const warm = await submittedCase('Vanligt ärende', 'Kort beskrivning.');
    expect((await get(testa, `/cases/${warm}/receipt.pdf`)).statusCode).toBe(200);
  }, 60_000);

  it('attack: five parallel downloads of the receipt of a case whose description is one 5,000-character word, and an anonymous GET /login among them → invariant: all answered within 5 s (it took 11 s), the receipt rendered once', async () => {
    renders.mockClear();
    const started = performance.now();
    const timed = (request: ReturnType<typeof get>) => request.then((res) => ({ res, ms: performance.now() - started }));
    const downloads = Array.from({ length: 5 }, () => timed(get(testa, `/cases/${id}/receipt.pdf`)));
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
  });

  it('attack: the receipt is downloaded again and again, expecting a rendering each time → invariant: the second GET renders nothing and sends the same bytes', async () => {
    const first = await get(testa, `/cases/${id}/receipt.pdf`, 'en');
    expect(first.statusCode).toBe(200);
    renders.mockClear();
    const second = await get(testa, `/cases/${id}/receipt.pdf`, 'en');
    expect(second.statusCode).toBe(200);
    expect(renders).not.toHaveBeenCalled();
    expect(second.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(second.headers['cache-control']).toBe('private, no-store');
  });

  it('attack: another organisation asks for the receipt after its owner got it from the cache → invariant: refused as before; the cache answers no one the check refused', async () => {
    expect((await get(testa, `/cases/${id}/receipt.pdf`)).statusCode).toBe(200);
    const kim = await t.loginAs(KIM);
    const before = t.services.receipts.stats();
    for (const who of [kim, undefined]) {
      const refused = await get(who, `/cases/${id}/receipt.pdf`);
      expect(refused.statusCode).toBeGreaterThanOrEqual(300);
      expect(refused.headers['content-type']).not.toBe('application/pdf');
      expect(refused.rawPayload.subarray(0, 5).toString()).not.toBe('%PDF-');
    }
    expect(t.services.receipts.stats()).toEqual(before);
  });
});

describe('many receipts', () => {
  it('attack: receipts of many cases in both languages are downloaded → invariant: the cache keeps at most its bound of entries and bytes, and an evicted receipt is rendered again, byte for byte', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 4; n++) ids.push(await submittedCase(`Ärende ${n}`, `${'X'.repeat(1000)} nummer ${n}`));
    const first = new Map<string, Buffer>();
    for (const id of ids) {
      for (const lang of ['sv', 'en']) {
        const res = await get(testa, `/cases/${id}/receipt.pdf`, lang);
        expect(res.statusCode).toBe(200);
        first.set(`${id}/${lang}`, res.rawPayload);
        const stats = t.services.receipts.stats();
        expect(stats.entries).toBeLessThanOrEqual(MAX_ENTRIES);
        expect(stats.bytes).toBeLessThanOrEqual(t.config.cases.receiptCacheBytes);
      }
    }
    const stats = t.services.receipts.stats();
    expect(stats.entries).toBe(MAX_ENTRIES);
    expect(stats.bytes).toBe([...first.values()].slice(-MAX_ENTRIES).reduce((sum, pdf) => sum + pdf.length, 0));
    // The first receipt fell out of the cache: rendered again, the same bytes.
    renders.mockClear();
    const again = await get(testa, `/cases/${ids[0]}/receipt.pdf`, 'sv');
    expect(renders).toHaveBeenCalledTimes(1);
    expect(again.rawPayload.equals(first.get(`${ids[0]}/sv`) ?? Buffer.alloc(0))).toBe(true);
  }, 60_000);
});
