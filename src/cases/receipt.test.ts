import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { messages } from '../platform/i18n/index.js';
import { renderReceiptPdf, type ReceiptInput } from './receipt.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const CREATED_AT = new Date('2026-03-03T13:05:00Z');

function receiptInput(overrides: Partial<ReceiptInput> = {}): ReceiptInput {
  return {
    lang: 'sv',
    agencyName: 'Inspektionen för strategiska produkter',
    siteName: 'Kundwebben',
    caseNumber: 'KW-2026-000123',
    caseTypeName: 'Ansökan om exporttillstånd för produkter med dubbla användningsområden',
    organisation: { name: 'Åkerström & Öhman Teknik AB', orgnr: '556677-8899' },
    submittedAt: '3 mars 2026 kl. 14:05 (CET)',
    sections: [
      {
        title: 'Sökande',
        rows: [
          { label: 'Kontaktperson', value: 'Åsa Öberg-Müller' },
          { label: 'E-post', value: 'asa.oberg@akerstrom-ohman.example.se' },
          { label: 'Postadress', value: 'Storgatan 1\nBox 123\n111 22 Stockholm' },
        ],
      },
      {
        title: 'Export',
        rows: [
          { label: 'Mottagare', value: 'Zakłady Mechaniczne Łódź Sp. z o.o.' },
          { label: 'Slutanvändarens ombud', value: 'José Ñúñez, Señor Ingeniero' },
          {
            label: 'Beskrivning av produkten och dess användning',
            value:
              'Termisk kamera med upplösning 640 × 512 pixlar.\nAnvänds för övervakning av industriella processer i tillverkningsindustrin. Kameran levereras med programvara för analys och är inte avsedd för militär användning.',
          },
        ],
      },
    ],
    attachments: [
      {
        name: 'Slutanvändarintyg Łódź.pdf',
        mediaType: 'application/pdf',
        size: '1,2 MB',
        sha256: sha256('intyg'),
      },
      {
        name: 'Tekniska data – värmekamera.xlsx',
        mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        size: '84 kB',
        sha256: sha256('data'),
      },
      { name: 'Fullmakt.pdf', mediaType: 'application/pdf', size: '310 kB', sha256: sha256('fullmakt') },
    ],
    signature: {
      signerName: 'Åsa Öberg-Müller',
      signerId: '19810203-1234',
      method: 'BankID',
      signedAt: '3 mars 2026 kl. 14:04 (CET)',
      digest: sha256('canonical document'),
      verifyUrl: 'https://kundwebben.example.se/underskrift/kontroll/KW-2026-000123',
    },
    createdAt: CREATED_AT,
    ...overrides,
  };
}

interface ExtractedPdf {
  /** Each page's text, page furniture (artifacts: running header, footer) included. */
  pages: string[];
  /** The content without artifacts, whitespace collapsed to single spaces. */
  flat: string;
  /** The content without artifacts or any whitespace: for hashes and strings wrapped mid-word. */
  dense: string;
  roles: Set<string>;
  info: Record<string, unknown>;
  marked: boolean | undefined;
}

const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim();
const squeeze = (text: string): string => text.replace(/\s+/g, '');

interface StructNode {
  role?: string;
  children?: StructNode[];
}

function collectRoles(node: StructNode, into: Set<string>): void {
  if (node.role) into.add(node.role);
  for (const child of node.children ?? []) collectRoles(child, into);
}

/** Reads the PDF as a text-only consumer (screen reader, search) would. */
async function extract(buf: Buffer): Promise<ExtractedPdf> {
  const pdf = await getDocument({ data: new Uint8Array(buf), useSystemFonts: false, isEvalSupported: false })
    .promise;
  try {
    const pages: string[] = [];
    let content = '';
    const roles = new Set<string>();
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const { items } = await page.getTextContent({ includeMarkedContent: true });
      let pageText = '';
      const open: string[] = [];
      for (const item of items) {
        if ('str' in item) {
          const text = item.str + (item.hasEOL ? '\n' : '');
          pageText += text;
          if (!open.includes('Artifact')) content += text;
        } else if (item.type === 'endMarkedContent') open.pop();
        // At run time a begin item also carries the tag (e.g. "Artifact"); the types omit it.
        else open.push((item as { tag?: string | null }).tag ?? '');
      }
      pages.push(pageText);
      content += '\n';
      collectRoles((await page.getStructTree()) as StructNode, roles);
    }
    const { info } = await pdf.getMetadata();
    const markInfo = await pdf.getMarkInfo();
    return {
      pages,
      flat: collapse(content),
      dense: squeeze(content),
      roles,
      info: info as Record<string, unknown>,
      marked: markInfo?.Marked,
    };
  } finally {
    await pdf.destroy();
  }
}

/**
 * Counts the page content streams and those whose marked content (BDC/BMC … EMC) does not
 * nest: an unmatched EMC silently detaches text from the tag tree in some readers.
 */
function markedContentBalance(buf: Buffer): { contentStreams: number; unbalanced: number } {
  let contentStreams = 0;
  let unbalanced = 0;
  for (const match of buf.toString('latin1').matchAll(/stream\n([^]*?)\nendstream/g)) {
    let ops: string;
    try {
      ops = inflateSync(Buffer.from(match[1] ?? '', 'latin1')).toString('latin1');
    } catch {
      continue; // not a deflated stream
    }
    if (!/\bBT\b/.test(ops)) continue; // a font program, not a page
    contentStreams++;
    let depth = 0;
    let nested = true;
    for (const [op] of ops.matchAll(/\b(?:BDC|BMC|EMC)\b/g)) {
      depth += op === 'EMC' ? -1 : 1;
      if (depth < 0) nested = false;
    }
    if (!nested || depth !== 0) unbalanced++;
  }
  return { contentStreams, unbalanced };
}

/** The right edge of the widest text run on any page, in points. */
async function widestLine(buf: Buffer): Promise<number> {
  const pdf = await getDocument({ data: new Uint8Array(buf), useSystemFonts: false, isEvalSupported: false })
    .promise;
  try {
    let widest = 0;
    for (let n = 1; n <= pdf.numPages; n++) {
      const { items } = await (await pdf.getPage(n)).getTextContent();
      for (const item of items) {
        if ('str' in item && item.str.trim() !== '')
          widest = Math.max(widest, (item.transform[4] as number) + item.width);
      }
    }
    return widest;
  } finally {
    await pdf.destroy();
  }
}

/** A4 less the right margin, with half a point for rounding. */
const RIGHT_EDGE = 595.28 - 56 + 0.5;
/** A ceiling that catches runaway work (seconds), not a speed requirement. */
const CEILING_MS = 5000;

async function timedRender(input: ReceiptInput): Promise<{ buf: Buffer; ms: number }> {
  const started = performance.now();
  const buf = await renderReceiptPdf(input, messages('sv'));
  return { buf, ms: performance.now() - started };
}

describe('receipt PDF of a submitted case', () => {
  it('carries every fact of the case, in Swedish, extractable in reading order', async () => {
    const input = receiptInput();
    const pdf = await extract(await renderReceiptPdf(input, messages('sv')));

    for (const text of [
      'Inspektionen för strategiska produkter',
      'Kundwebben',
      'Kvitto på inskickat ärende',
      'Ärendenummer KW-2026-000123',
      `Ärendetyp ${input.caseTypeName}`,
      'Organisation Åkerström & Öhman Teknik AB',
      'Organisationsnummer 556677-8899',
      'Inskickat 3 mars 2026 kl. 14:05 (CET)',
      'Undertecknat av Åsa Öberg-Müller',
      'Personnummer 19810203-1234',
      'E-legitimation BankID',
      'Tidpunkt 3 mars 2026 kl. 14:04 (CET)',
      'Kontrollsumma (SHA-256) för det undertecknade dokumentet',
      'Kontrollera underskriften',
      'Kontrollsumman identifierar exakt det dokument som undertecknades',
    ]) {
      expect(pdf.flat).toContain(text);
    }
    for (const section of input.sections) {
      expect(pdf.flat).toContain(section.title);
      for (const row of section.rows) {
        expect(pdf.flat).toContain(collapse(row.label));
        expect(pdf.flat).toContain(collapse(row.value));
      }
    }
    expect(pdf.pages[0]).toContain('Storgatan 1\nBox 123\n111 22 Stockholm');
    expect(pdf.flat).toContain('Łódź');
    for (const attachment of input.attachments) {
      expect(pdf.flat).toContain(attachment.name);
      expect(pdf.flat).toContain(`Filtyp ${attachment.mediaType}, storlek ${attachment.size}`);
      expect(pdf.dense).toContain(attachment.sha256);
    }
    expect(pdf.dense).toContain(input.signature.digest);
    expect(pdf.dense).toContain(input.signature.verifyUrl);

    // Reading order: header, case, details, attachments, signature.
    const order = [
      'Kvitto på inskickat ärende',
      'Ärendenummer',
      'Sökande',
      'Export',
      'Bilagor',
      'Slutanvändarintyg Łódź.pdf',
      'Underskrift',
      'Undertecknat av',
      'Kontrollsumman identifierar',
    ].map((text) => pdf.flat.indexOf(text));
    expect(order).toEqual([...order].sort((a, b) => a - b));

    const pages = pdf.pages.length;
    pdf.pages.forEach((text, index) => expect(text).toContain(`Sida ${index + 1} av ${pages}`));
    // The page numbers are page furniture (artifacts), which a screen reader skips.
    expect(pdf.flat).not.toContain('Sida 1 av');
    expect(pdf.flat).not.toContain('\u0000');
  });

  it('is a tagged PDF with language, title and a heading, table and list structure', async () => {
    const buf = await renderReceiptPdf(receiptInput(), messages('sv'));
    const raw = buf.toString('latin1');
    expect(raw).toMatch(/\/MarkInfo \d+ 0 R/);
    expect(raw).toMatch(/<<\s*\/Marked true\s*>>/);
    expect(raw).toMatch(/\/StructTreeRoot \d+ 0 R/);
    expect(raw).toContain('/Lang (sv-SE)');
    expect(raw).toMatch(/\/DisplayDocTitle true/);
    // Every label cell is a row header.
    const headers = raw.match(/\/S \/TH\s/g)?.length ?? 0;
    expect(headers).toBeGreaterThan(10);
    expect(raw.match(/\/S \/TH\s+\/A <<\s*\/O \/Table\s*\/Scope \/Row/g)?.length).toBe(headers);

    const pdf = await extract(buf);
    expect(markedContentBalance(buf)).toEqual({ contentStreams: pdf.pages.length, unbalanced: 0 });
    expect(pdf.marked).toBe(true);
    expect(pdf.info).toMatchObject({
      Title: 'Kvitto på inskickat ärende KW-2026-000123',
      Author: 'Inspektionen för strategiska produkter',
      Language: 'sv-SE',
      CreationDate: 'D:20260303130500Z',
    });
    for (const role of [
      'Document',
      'H1',
      'H2',
      'H3',
      'P',
      'Table',
      'TR',
      'TH',
      'TD',
      'L',
      'LI',
      'Lbl',
      'LBody',
      'Link',
    ]) {
      expect(pdf.roles, role).toContain(role);
    }
  });

  it('uses the English labels and language, and says so when there is nothing to list', async () => {
    const input = receiptInput({
      lang: 'en',
      agencyName: 'the Inspectorate of Strategic Products (ISP)',
      caseTypeName: 'Application for an export licence',
      submittedAt: '3 March 2026 at 14:05 (CET)',
      sections: [{ title: 'Applicant', rows: [] }],
      attachments: [],
    });
    const buf = await renderReceiptPdf(input, messages('en'));
    expect(buf.toString('latin1')).toContain('/Lang (en-GB)');
    const pdf = await extract(buf);

    for (const text of [
      'Receipt for submitted case',
      'Case number KW-2026-000123',
      'Case type Application for an export licence',
      'Corporate identity number 556677-8899',
      'Applicant',
      'No details were given in this part.',
      'Attachments',
      'No attachments',
      'Signed by Åsa Öberg-Müller',
      'Personal identity number 19810203-1234',
      'Electronic identification BankID',
      'Checksum (SHA-256) of the signed document',
      'Verify the signature',
    ]) {
      expect(pdf.flat).toContain(text);
    }
    pdf.pages.forEach((text, index) => expect(text).toContain(`Page ${index + 1} of ${pdf.pages.length}`));
    expect(pdf.info).toMatchObject({ Title: 'Receipt for submitted case KW-2026-000123', Language: 'en-GB' });
    // The English name is written for running text; standing alone as the heading it is capitalised.
    expect(pdf.flat).toContain('The Inspectorate of Strategic Products (ISP)');
    expect(pdf.info).toMatchObject({ Author: 'The Inspectorate of Strategic Products (ISP)' });
  });

  it('draws characters the font lacks as a replacement, never as an empty glyph', async () => {
    const input = receiptInput({ organisation: { name: 'Łódź 漢字 Trading', orgnr: '556677-8899' } });
    const pdf = await extract(await renderReceiptPdf(input, messages('sv')));
    expect(pdf.flat).toContain('Organisation Łódź \uFFFD\uFFFD Trading');
    expect(pdf.flat).not.toContain('\u0000');
  });

  it('survives hostile sizes: a 10,000-character value, unbroken strings, empty texts and 200 attachments', async () => {
    const unbroken = 'A'.repeat(3_000);
    const longValue =
      `${'Lång rad med ord som ska radbrytas. '.repeat(150)}\n\n${unbroken}\n${'slut '.repeat(200)}`.slice(
        0,
        10_000,
      );
    const attachments = Array.from({ length: 200 }, (_, i) => ({
      name: `bilaga-${String(i + 1).padStart(3, '0')}-${'x'.repeat(i % 7 === 0 ? 300 : 5)}.pdf`,
      mediaType: 'application/pdf',
      size: `${i + 1} kB`,
      sha256: sha256(`file ${i}`),
    }));
    const input = receiptInput({
      sections: [
        { title: 'Tom del', rows: [] },
        {
          title: 'Lång text',
          rows: [
            { label: 'Beskrivning', value: longValue },
            { label: 'B'.repeat(500), value: '' },
            { label: 'Kort', value: 'kort värde' },
          ],
        },
      ],
      attachments,
    });
    const buf = await renderReceiptPdf(input, messages('sv'));
    const pdf = await extract(buf);

    expect(pdf.pages.length).toBeGreaterThan(5);
    expect(markedContentBalance(buf)).toEqual({ contentStreams: pdf.pages.length, unbalanced: 0 });
    pdf.pages.forEach((text, index) => expect(text).toContain(`Sida ${index + 1} av ${pdf.pages.length}`));
    // `includes` rather than `toContain`: a failure should not print 60 kB of text.
    expect(pdf.dense.includes(squeeze(longValue)), 'the whole long value, across pages').toBe(true);
    expect(pdf.dense.includes('B'.repeat(500)), 'the unbroken label').toBe(true);
    expect(pdf.flat.includes('Kort kort värde'), 'the row after them').toBe(true);
    const missing = attachments.filter(
      (a) => !pdf.dense.includes(squeeze(a.name) + 'Filtyp') || !pdf.dense.includes(a.sha256),
    );
    expect(missing.map((a) => a.name)).toEqual([]);
    expect(pdf.flat.indexOf('bilaga-200')).toBeGreaterThan(pdf.flat.indexOf('bilaga-199'));
    expect(pdf.flat.indexOf('Undertecknat av')).toBeGreaterThan(pdf.flat.indexOf('bilaga-200'));
  });

  it('attack: a field value of one unbroken 20,000-character word and a section title of one 5,000-character word → invariant: rendered within 5 s (quadratic breaking took tens of seconds), every character there, no line past the margin', async () => {
    await renderReceiptPdf(receiptInput(), messages('sv')); // fonts loaded, code warm
    const word = 'W'.repeat(20_000);
    const title = 'Rubrik' + 'R'.repeat(4_994);
    const input = receiptInput({
      sections: [{ title, rows: [{ label: 'Beskrivning', value: `Se nedan: ${word} och sedan slut.` }] }],
    });
    const { buf, ms } = await timedRender(input);
    expect(ms).toBeLessThan(CEILING_MS);
    const pdf = await extract(buf);
    expect(pdf.dense.includes(`Senedan:${word}ochsedanslut.`), 'the whole value, wrapped').toBe(true);
    expect(pdf.dense.includes(title), 'the whole title, wrapped').toBe(true);
    expect(await widestLine(buf)).toBeLessThanOrEqual(RIGHT_EDGE);
    expect(markedContentBalance(buf)).toEqual({ contentStreams: pdf.pages.length, unbalanced: 0 });
  });

  it('attack: every field at its limit (5,000 characters) and long attachment names, all unbroken words → invariant: rendered within 5 s, every character there, no line past the margin', async () => {
    await renderReceiptPdf(receiptInput(), messages('sv'));
    const letters = 'BCDFGHJKLM';
    const rows = Array.from(letters, (letter, i) => ({
      label: `Fält ${i + 1}`,
      // Long words of different shapes: letters, hyphenated, a path, digits.
      value: [
        letter.repeat(2_000),
        `${letter.toLowerCase()}-`.repeat(500),
        `https://example.se/${'katalog/'.repeat(60)}`,
        String(i).repeat(5_000),
      ]
        .join(' ')
        .slice(0, 5_000),
    }));
    const attachments = Array.from({ length: 20 }, (_, i) => ({
      name: `${'n'.repeat(250)}-${i}.pdf`,
      mediaType: 'application/pdf',
      size: '1 kB',
      sha256: sha256(`bilaga ${i}`),
    }));
    const input = receiptInput({
      sections: [{ title: 'T'.repeat(5_000), rows }],
      attachments,
    });
    const { buf, ms } = await timedRender(input);
    expect(ms).toBeLessThan(CEILING_MS);
    const pdf = await extract(buf);
    const missing = rows.filter((row) => !pdf.dense.includes(squeeze(row.value))).map((row) => row.label);
    expect(missing).toEqual([]);
    expect(pdf.dense.includes('T'.repeat(5_000))).toBe(true);
    expect(attachments.filter((a) => !pdf.dense.includes(a.name)).map((a) => a.name)).toEqual([]);
    expect(await widestLine(buf)).toBeLessThanOrEqual(RIGHT_EDGE);
  });

  it('renders the same bytes for the same input and creation date', async () => {
    const [first, second] = await Promise.all([
      renderReceiptPdf(receiptInput(), messages('sv')),
      renderReceiptPdf(receiptInput(), messages('sv')),
    ]);
    expect(first.equals(second)).toBe(true);
  });
});
