/**
 * Fonts parsed once: a receipt rendered after others has the bytes it has on its own. The
 * receipt off the event loop: `renderReceiptPdf` with a request's catalog renders in the
 * receipt worker (src/cases/receipt-worker.ts) the very bytes the renderer makes on this
 * thread, and meanwhile this thread goes on running other work.
 */
import { describe, expect, it } from 'vitest';
import { messages } from '../platform/i18n/index.js';
import { receiptLabels, renderReceiptPdf, renderReceiptPdfHere, type ReceiptInput } from './receipt.js';

const input = (lang: 'sv' | 'en', rows = 3): ReceiptInput => ({
  lang,
  agencyName: 'Inspektionen för strategiska produkter',
  siteName: 'Kundwebben',
  caseNumber: 'KW-2026-000321',
  caseTypeName: 'Övrigt ärende',
  organisation: { name: 'Åkerström & Öhman Teknik AB', orgnr: '556677-8899' },
  submittedAt: '3 mars 2026 kl. 14:05 (CET)',
  sections: [
    {
      title: 'Ärende',
      rows: Array.from({ length: rows }, (_, i) => ({
        label: `Fält ${i + 1}`,
        value: `Värde ${i + 1}: Zakłady Mechaniczne Łódź, José Ñúñez. ${'Lång text. '.repeat(20)}`,
      })),
    },
  ],
  attachments: [{ name: 'underlag.pdf', mediaType: 'application/pdf', size: '1 kB', sha256: 'ab'.repeat(32) }],
  signature: {
    signerName: 'Testa Testsson',
    signerId: '19811228-9874',
    method: 'BankID',
    signedAt: '3 mars 2026 kl. 14:04 (CET)',
    digest: 'cd'.repeat(32),
    verifyUrl: 'https://kundwebben.example.se/cases/x/signature',
  },
  createdAt: new Date('2026-03-03T13:05:00Z'),
});

describe('the fonts shared between receipts', () => {
  // First in this file: the first receipt of the module parses the font files itself.
  it('a receipt after others (their glyphs and layouts) has the same bytes as the first, from freshly parsed fonts', async () => {
    const first = await renderReceiptPdfHere(input('sv'), receiptLabels('sv'));
    const other = input('en', 40);
    other.organisation.name = 'ﬁﬂ ǅ Ωμέγα Дмитрий  non-breaking  soft\u00ADhyphen — “quotes” fi fl ffi';
    await renderReceiptPdfHere(other, receiptLabels('en'));
    const again = await renderReceiptPdfHere(input('sv'), receiptLabels('sv'));
    expect(again.equals(first)).toBe(true);
  });
});

describe('the receipt worker', () => {
  it('renders with a request catalog the same bytes as this thread does, in Swedish and English', async () => {
    for (const lang of ['sv', 'en'] as const) {
      const [offThread, here] = await Promise.all([
        renderReceiptPdf(input(lang), messages(lang)),
        renderReceiptPdfHere(input(lang), receiptLabels(lang)),
      ]);
      expect(offThread.subarray(0, 5).toString()).toBe('%PDF-');
      expect(offThread.equals(here), lang).toBe(true);
    }
  });

  it('leaves the event loop free while it renders (many turns of the loop during one receipt)', async () => {
    await renderReceiptPdf(input('sv'), messages('sv')); // the worker started and warm
    let turns = 0;
    let rendering = true;
    const spin = async () => {
      while (rendering) {
        await new Promise((resolve) => setImmediate(resolve));
        turns++;
      }
    };
    const spinning = spin();
    const pdf = await renderReceiptPdf(input('sv', 200), messages('sv'));
    rendering = false;
    await spinning;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // On this thread the whole layout is one synchronous stretch: a turn or two at most.
    expect(turns).toBeGreaterThan(10);
  });
});
