/**
 * The receipt PDF of a submitted case (kvitto): what was submitted, by whom, when, with
 * which attachments, and the evidence of the signature. A tagged PDF (PDF/UA-style
 * structure: headings, tables, lists; page furniture marked as artifacts) so screen
 * readers and text extraction get the content in reading order.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import { createWorkerPool, siblingWorker, WorkerPoolUnavailable, type WorkerPool } from '../platform/worker-pool.js';
import { receiptEn, receiptSv, type ReceiptLabels } from './receipt-messages.js';

export type { ReceiptLabels } from './receipt-messages.js';

export interface ReceiptInput {
  lang: 'sv' | 'en';
  agencyName: string;
  siteName: string;
  caseNumber: string;
  /** Already in the receipt language. */
  caseTypeName: string;
  /** `orgnr` already formatted NNNNNN-NNNN. */
  organisation: { name: string; orgnr: string };
  /** Already formatted in the receipt language, with time zone. */
  submittedAt: string;
  /** Every field of the case, localised; values may be multi-line and long. */
  sections: { title: string; rows: { label: string; value: string }[] }[];
  /** `size` already formatted. */
  attachments: { name: string; mediaType: string; size: string; sha256: string }[];
  /**
   * `signerId` is the formatted personal number (the caller decides masking); `digest` is the
   * SHA-256 hex of the signed canonical document.
   */
  signature: {
    signerName: string;
    signerId: string;
    method: string;
    signedAt: string;
    digest: string;
    verifyUrl: string;
  };
  /** The PDF's CreationDate (and so its file ID); now when absent. Pass it for reproducible output. */
  createdAt?: Date;
}

type FontName = 'Body' | 'Bold' | 'Mono';
type StructElement = PDFKit.PDFStructureElement;

/*
 * DejaVu Sans (Bitstream Vera licence, assets/fonts/LICENSE-DejaVu.txt) is shipped with the
 * app so the receipt never depends on system fonts, and it covers Latin, Greek and Cyrillic:
 * the standard PDF fonts (WinAnsi) cannot draw names such as "Łódź".
 */
const FONT_FILES: Readonly<Record<FontName, string>> = {
  Body: 'DejaVuSans.ttf',
  Bold: 'DejaVuSans-Bold.ttf',
  Mono: 'DejaVuSansMono.ttf',
};

/** The project root, from src/cases/ (tsx) and from dist/src/cases/ (after tsc) alike. */
function projectRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const srcParent = path.resolve(here, '../..');
  return path.basename(srcParent) === 'dist' ? path.dirname(srcParent) : srcParent;
}

const FONT_DIR = path.join(projectRoot(), 'assets', 'fonts');

/** The font files are read once per process; a failed read is retried on the next receipt. */
let fontBytes: Promise<Readonly<Record<FontName, Buffer>>> | undefined;

function loadFonts(): Promise<Readonly<Record<FontName, Buffer>>> {
  const read = (font: FontName): Promise<Buffer> => readFile(path.join(FONT_DIR, FONT_FILES[font]));
  fontBytes ??= Promise.all([read('Body'), read('Bold'), read('Mono')]).then(
    ([Body, Bold, Mono]) => ({ Body, Bold, Mono }),
    (error: unknown) => {
      fontBytes = undefined;
      throw new Error(
        `Cannot read the receipt fonts in ${FONT_DIR}: the assets/ directory must be deployed`,
        {
          cause: error,
        },
      );
    },
  );
  return fontBytes;
}

// A4 in points; 20 mm margins, a little more at the bottom for the footer.
const MARGIN = 56;
const MARGIN_BOTTOM = 70;
const PAGE_WIDTH = 595.28;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
const LABEL_WIDTH = 160;
const COLUMN_GAP = 14;
const VALUE_X = MARGIN + LABEL_WIDTH + COLUMN_GAP;
const VALUE_WIDTH = CONTENT_WIDTH - LABEL_WIDTH - COLUMN_GAP;
const ROW_PADDING = 4;
const LIST_GUTTER = 26;
const LINE_GAP = 2;
const SIZE = { h1: 18, h2: 13, h3: 11, body: 10, small: 8.5, mono: 8.5 } as const;
// Muted text stays above 7:1 contrast on white.
const COLOUR = {
  text: '#1b1b1b',
  muted: '#4a4a4a',
  rule: '#b5b5b5',
  accent: '#1f4e79',
  link: '#0b4f8a',
} as const;

/** The label cell heads its row (/Scope /Row). pdfkit honours `scope` but its types omit it. */
const ROW_HEADER = { scope: 'Row' } as PDFKit.Mixins.StructureElementOptions;

/** A character the font cannot draw would come out as an empty box and extract as U+0000. */
type Covers = (font: FontName, codePoint: number) => boolean;

interface Ctx {
  doc: PDFKit.PDFDocument;
  covers: Covers;
  charWidths: CharWidths;
}

interface TextStyle {
  font: FontName;
  size: number;
  colour?: string;
}

interface Row {
  label: string;
  value: string;
  mono?: boolean;
  link?: string;
}

/** The receipt's own labels in `lang`: what a request's catalog holds for them. */
export function receiptLabels(lang: ReceiptInput['lang']): ReceiptLabels {
  return lang === 'sv' ? receiptSv : receiptEn;
}

/** `t` says what the standard labels of `lang` say (the catalog of a request does): a worker can use its own. */
function hasStandardLabels(lang: ReceiptInput['lang'], t: ReceiptLabels): boolean {
  const own = receiptLabels(lang);
  return (Object.keys(own) as (keyof ReceiptLabels)[]).every((key) => t[key] === own[key]);
}

/*
 * Rendering a receipt is tens to hundreds of milliseconds of synchronous work (layout, font
 * subsetting, compression): on the event loop it would hold every other request that long.
 * It runs in a small pool of worker threads instead (src/cases/receipt-worker.ts): one
 * worker on a machine of two cores or fewer, two above. Where workers cannot start, receipts
 * are rendered on this thread as before.
 */
let workers: WorkerPool<ReceiptInput, Uint8Array> | undefined;
let workersUnavailable = false;

function receiptWorkers(): WorkerPool<ReceiptInput, Uint8Array> {
  if (!workers) {
    const entry = siblingWorker(import.meta.url, 'receipt-worker');
    const size = os.availableParallelism() > 2 ? 2 : 1;
    workers = createWorkerPool<ReceiptInput, Uint8Array>({ entry, size, name: 'receipt-pdf' });
  }
  return workers;
}

/**
 * Renders the receipt of a submitted case as a tagged, A4 PDF. `t` is the catalog of the
 * receipt language (a request's `t` will do). All text is the caller's, already localised.
 * Off the event loop in a worker thread (the same code, the same bytes) when `t` has the
 * standard receipt labels; on this thread otherwise.
 */
export async function renderReceiptPdf(input: ReceiptInput, t: ReceiptLabels): Promise<Buffer> {
  if (!workersUnavailable && hasStandardLabels(input.lang, t)) {
    try {
      const pdf = await receiptWorkers().run(input);
      return Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
    } catch (err) {
      if (!(err instanceof WorkerPoolUnavailable)) throw err;
      workersUnavailable = true;
    }
  }
  return renderReceiptPdfHere(input, t);
}

/** Renders the receipt on this thread (what the worker runs). */
export async function renderReceiptPdfHere(input: ReceiptInput, t: ReceiptLabels): Promise<Buffer> {
  const fonts = await loadFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN_BOTTOM, left: MARGIN, right: MARGIN },
    bufferPages: true,
    // Tagged PDF 1.7 with a document language: what screen readers and PDF/UA checkers need.
    tagged: true,
    pdfVersion: '1.7',
    lang: input.lang === 'sv' ? 'sv-SE' : 'en-GB',
    displayTitle: true,
    info: {
      Title: t['receipt.documentTitle']({ caseNumber: input.caseNumber }),
      Author: standalone(input.agencyName),
      Subject: `${input.caseTypeName} – ${input.organisation.name}`,
      Creator: input.siteName,
      CreationDate: input.createdAt ?? new Date(),
    },
  });
  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  for (const name of ['Body', 'Bold', 'Mono'] as const) doc.registerFont(name, fontSource(name, fonts[name]) as PDFKit.Mixins.PDFFontSource);
  const ctx: Ctx = { doc, covers: glyphCoverage(doc), charWidths: new Map() };
  rememberParsedFonts(doc);

  const root = doc.struct('Document');
  doc.addStructure(root);
  renderIntro(ctx, root, input, t);
  renderCaseFacts(ctx, root, input, t);
  renderSections(ctx, root, input, t);
  renderAttachments(ctx, root, input, t);
  renderSignature(ctx, root, input, t);
  root.end();
  renderPageFurniture(ctx, input, t);

  doc.end();
  return finished;
}

function renderIntro(ctx: Ctx, root: StructElement, input: ReceiptInput, t: ReceiptLabels): void {
  const { doc } = ctx;
  root.add(
    doc.struct('P', {}, [
      () => write(ctx, standalone(input.agencyName), { font: 'Bold', size: 11, colour: COLOUR.accent }, MARGIN, MARGIN),
      () => write(ctx, input.siteName, { font: 'Body', size: SIZE.body, colour: COLOUR.muted }, MARGIN),
    ]),
  );
  doc.y += 6;
  rule(ctx, doc.y, COLOUR.accent, 1.5);
  doc.y += 18;
  heading(ctx, root, 'H1', t['receipt.title'], 0);
  doc.y += 4;
  paragraph(ctx, root, t['receipt.intro']({ siteName: input.siteName, agency: input.agencyName }), {
    font: 'Body',
    size: SIZE.body,
    colour: COLOUR.muted,
  });
}

function renderCaseFacts(ctx: Ctx, root: StructElement, input: ReceiptInput, t: ReceiptLabels): void {
  const rows: Row[] = [
    { label: t['receipt.caseNumber'], value: input.caseNumber },
    { label: t['receipt.caseType'], value: input.caseTypeName },
    { label: t['receipt.organisation'], value: input.organisation.name },
    { label: t['receipt.orgnr'], value: input.organisation.orgnr },
    { label: t['receipt.submittedAt'], value: input.submittedAt },
  ];
  heading(ctx, root, 'H2', t['receipt.heading.case'], rowHeight(ctx, rows[0]));
  table(ctx, root, rows);
}

function renderSections(ctx: Ctx, root: StructElement, input: ReceiptInput, t: ReceiptLabels): void {
  const { doc } = ctx;
  heading(ctx, root, 'H2', t['receipt.heading.details'], 60);
  for (const section of input.sections) {
    const sect = doc.struct('Sect');
    root.add(sect);
    const empty = t['receipt.section.empty'];
    const first = section.rows[0];
    const keepWith = first
      ? rowHeight(ctx, first)
      : textHeight(ctx, empty, { font: 'Body', size: SIZE.body }, CONTENT_WIDTH);
    heading(ctx, sect, 'H3', section.title, Math.min(keepWith, 60));
    if (section.rows.length === 0)
      paragraph(ctx, sect, empty, { font: 'Body', size: SIZE.body, colour: COLOUR.muted });
    else table(ctx, sect, section.rows);
    sect.end();
  }
}

function renderAttachments(ctx: Ctx, root: StructElement, input: ReceiptInput, t: ReceiptLabels): void {
  const { doc } = ctx;
  heading(ctx, root, 'H2', t['receipt.heading.attachments'], 50);
  if (input.attachments.length === 0) {
    paragraph(ctx, root, t['receipt.attachments.none'], {
      font: 'Body',
      size: SIZE.body,
      colour: COLOUR.muted,
    });
    return;
  }
  const numberStyle: TextStyle = { font: 'Body', size: SIZE.body, colour: COLOUR.muted };
  const numberWidth = doc
    .font(numberStyle.font)
    .fontSize(numberStyle.size)
    .widthOfString(`${input.attachments.length}.`);
  const gutter = Math.max(LIST_GUTTER, Math.ceil(numberWidth) + 8);
  const bodyX = MARGIN + gutter;
  const bodyWidth = CONTENT_WIDTH - gutter;
  const nameStyle: TextStyle = { font: 'Bold', size: SIZE.body };
  const detailStyle: TextStyle = { font: 'Body', size: SIZE.small, colour: COLOUR.muted };
  const hashStyle: TextStyle = { font: 'Mono', size: SIZE.mono };
  const list = doc.struct('L');
  root.add(list);
  input.attachments.forEach((attachment, index) => {
    const name = orDash(attachment.name);
    const details = t['receipt.attachment.details']({
      mediaType: attachment.mediaType,
      size: attachment.size,
    });
    const hash = `${t['receipt.attachment.sha256']} ${groupHex(attachment.sha256)}`;
    const height =
      textHeight(ctx, name, nameStyle, bodyWidth) +
      textHeight(ctx, details, detailStyle, bodyWidth) +
      textHeight(ctx, hash, hashStyle, bodyWidth) +
      8;
    keepTogether(ctx, height);
    const top = doc.y;
    const item = doc.struct('LI');
    list.add(item);
    item.add(
      doc.struct('Lbl', {}, () =>
        write(ctx, `${index + 1}.`, numberStyle, MARGIN, top, { width: gutter - 6, align: 'right' }),
      ),
    );
    const body = doc.struct('LBody');
    item.add(body);
    body.add(doc.struct('P', {}, () => write(ctx, name, nameStyle, bodyX, top, { width: bodyWidth })));
    body.add(
      doc.struct('P', {}, () => write(ctx, details, detailStyle, bodyX, undefined, { width: bodyWidth })),
    );
    body.add(doc.struct('P', {}, () => write(ctx, hash, hashStyle, bodyX, undefined, { width: bodyWidth })));
    body.end();
    item.end();
    doc.y += 8;
  });
  list.end();
}

function renderSignature(ctx: Ctx, root: StructElement, input: ReceiptInput, t: ReceiptLabels): void {
  const { signature } = input;
  const rows: Row[] = [
    { label: t['receipt.signedBy'], value: signature.signerName },
    { label: t['receipt.signerId'], value: signature.signerId },
    { label: t['receipt.eid'], value: signature.method },
    { label: t['receipt.signedAt'], value: signature.signedAt },
    { label: t['receipt.digest'], value: groupHex(signature.digest), mono: true },
    // Only web addresses become links; anything else is shown as text.
    /^https?:\/\//i.test(signature.verifyUrl)
      ? { label: t['receipt.verify'], value: signature.verifyUrl, link: signature.verifyUrl }
      : { label: t['receipt.verify'], value: signature.verifyUrl },
  ];
  heading(ctx, root, 'H2', t['receipt.heading.signature'], rowHeight(ctx, rows[0]));
  table(ctx, root, rows);
  ctx.doc.y += 6;
  paragraph(ctx, root, t['receipt.digest.explanation'], {
    font: 'Body',
    size: SIZE.small,
    colour: COLOUR.muted,
  });
}

/** Running header (from page 2) and "Page n of m" footer on every page, as artifacts. */
function renderPageFurniture(ctx: Ctx, input: ReceiptInput, t: ReceiptLabels): void {
  const { doc } = ctx;
  const { start, count } = doc.bufferedPageRange();
  const style: TextStyle = { font: 'Body', size: SIZE.small, colour: COLOUR.muted };
  const lineHeight = textHeight(ctx, 'X', style, CONTENT_WIDTH);
  const half = CONTENT_WIDTH / 2;
  for (let index = 0; index < count; index++) {
    doc.switchToPage(start + index);
    const bottomMargin = doc.page.margins.bottom;
    // Writing below the bottom margin would otherwise make pdfkit start a new page.
    doc.page.margins.bottom = 0;
    const footerY = doc.page.height - MARGIN_BOTTOM + 26;
    artifact(ctx, 'Pagination', () => {
      line(ctx, footerY - 8, COLOUR.rule, 0.5);
      const cut = { height: lineHeight, ellipsis: true };
      write(ctx, `${input.siteName} – ${input.caseNumber}`, style, MARGIN, footerY, { width: half, ...cut });
      write(ctx, t['receipt.page']({ page: index + 1, pages: count }), style, MARGIN + half, footerY, {
        width: half,
        align: 'right',
        ...cut,
      });
      if (index > 0) {
        write(
          ctx,
          `${standalone(input.agencyName)} – ${t['receipt.title']} ${input.caseNumber}`,
          style,
          MARGIN,
          MARGIN - 28,
          {
            width: CONTENT_WIDTH,
            ...cut,
          },
        );
      }
    });
    doc.page.margins.bottom = bottomMargin;
  }
}

// ---- layout primitives -------------------------------------------------------------------

function heading(
  ctx: Ctx,
  parent: StructElement,
  type: 'H1' | 'H2' | 'H3',
  text: string,
  keepWith: number,
): void {
  const { doc } = ctx;
  const style: TextStyle = { font: 'Bold', size: SIZE[type === 'H1' ? 'h1' : type === 'H2' ? 'h2' : 'h3'] };
  const spaceBefore = type === 'H1' ? 0 : type === 'H2' ? 16 : 10;
  keepTogether(ctx, spaceBefore + textHeight(ctx, text, style, CONTENT_WIDTH) + 6 + keepWith);
  if (doc.y > doc.page.margins.top) doc.y += spaceBefore;
  parent.add(doc.struct(type, {}, () => write(ctx, text, style, MARGIN, doc.y, { width: CONTENT_WIDTH })));
  doc.y += type === 'H2' ? 6 : 4;
}

function paragraph(ctx: Ctx, parent: StructElement, text: string, style: TextStyle): void {
  const { doc } = ctx;
  keepTogether(ctx, Math.min(textHeight(ctx, text, style, CONTENT_WIDTH), 3 * SIZE.body));
  parent.add(doc.struct('P', {}, () => write(ctx, text, style, MARGIN, doc.y, { width: CONTENT_WIDTH })));
}

/**
 * A two-column table of label (row header) and value. A row moves whole to the next page when
 * it fits on one; a longer one starts where it is and flows on (the value column continues).
 */
function table(ctx: Ctx, parent: StructElement, rows: readonly Row[]): void {
  const { doc } = ctx;
  const tableElement = doc.struct('Table');
  parent.add(tableElement);
  rule(ctx, doc.y, COLOUR.rule, 0.5);
  for (const row of rows) {
    keepTogether(ctx, rowHeight(ctx, row));
    const top = doc.y + ROW_PADDING;
    const startPage = doc.page;
    const tr = doc.struct('TR');
    tableElement.add(tr);
    tr.add(
      doc.struct('TH', ROW_HEADER, () =>
        write(ctx, orDash(row.label), { font: 'Bold', size: SIZE.body }, MARGIN, top, { width: LABEL_WIDTH }),
      ),
    );
    const labelBottom = doc.y;
    const valueStyle: TextStyle = row.mono
      ? { font: 'Mono', size: SIZE.mono }
      : { font: 'Body', size: SIZE.body };
    const td = doc.struct('TD');
    tr.add(td);
    if (row.link === undefined) {
      td.add(() => write(ctx, orDash(row.value), valueStyle, VALUE_X, top, { width: VALUE_WIDTH }));
    } else {
      const { link } = row;
      const anchor = doc.struct('Link');
      td.add(anchor);
      anchor.add(() =>
        write(ctx, row.value, { ...valueStyle, colour: COLOUR.link }, VALUE_X, top, {
          width: VALUE_WIDTH,
          link,
          underline: true,
        }),
      );
      anchor.end();
    }
    td.end();
    tr.end();
    doc.y = (doc.page === startPage ? Math.max(labelBottom, doc.y) : doc.y) + ROW_PADDING;
    rule(ctx, doc.y, COLOUR.rule, 0.5);
  }
  tableElement.end();
}

function rowHeight(ctx: Ctx, row: Row | undefined): number {
  if (!row) return 0;
  const label = textHeight(ctx, orDash(row.label), { font: 'Bold', size: SIZE.body }, LABEL_WIDTH);
  const valueStyle: TextStyle = row.mono
    ? { font: 'Mono', size: SIZE.mono }
    : { font: 'Body', size: SIZE.body };
  return Math.max(label, textHeight(ctx, orDash(row.value), valueStyle, VALUE_WIDTH)) + 2 * ROW_PADDING;
}

/**
 * Starts a new page unless `height` fits below the cursor. Something taller than a page
 * starts here anyway (it flows on), unless too little of it would be left at the bottom.
 */
function keepTogether(ctx: Ctx, height: number): void {
  const { doc } = ctx;
  const bottom = doc.page.maxY();
  const pageHeight = bottom - doc.page.margins.top;
  const needed = height <= pageHeight ? height : 4 * SIZE.body * 1.4;
  if (doc.y + needed > bottom && doc.y > doc.page.margins.top) {
    doc.addPage();
    doc.y = doc.page.margins.top;
  }
}

function textHeight(ctx: Ctx, text: string, style: TextStyle, width: number): number {
  ctx.doc.font(style.font).fontSize(style.size);
  return ctx.doc.heightOfString(layoutText(ctx, text, style, width), { width, lineGap: LINE_GAP });
}

function write(
  ctx: Ctx,
  text: string,
  style: TextStyle,
  x: number,
  y?: number,
  options: PDFKit.Mixins.TextOptions = {},
): void {
  const width = options.width ?? CONTENT_WIDTH;
  ctx.doc
    .font(style.font)
    .fontSize(style.size)
    .fillColor(style.colour ?? COLOUR.text);
  ctx.doc.text(layoutText(ctx, text, style, width), x, y, { lineGap: LINE_GAP, ...options, width });
}

/** The text as drawn in a box `width` wide: printable, and no word wider than the box. */
function layoutText(ctx: Ctx, text: string, style: TextStyle, width: number): string {
  return breakOverlongWords(ctx, style, printable(ctx.covers, style.font, text), width);
}

function rule(ctx: Ctx, y: number, colour: string, width: number): void {
  artifact(ctx, 'Layout', () => line(ctx, y, colour, width));
}

function line(ctx: Ctx, y: number, colour: string, width: number): void {
  ctx.doc
    .save()
    .moveTo(MARGIN, y)
    .lineTo(MARGIN + CONTENT_WIDTH, y)
    .lineWidth(width)
    .strokeColor(colour)
    .stroke()
    .restore();
}

/**
 * Decoration that is not content: screen readers skip it. Never nested, and never called
 * inside tagged content: pdfkit closes open marked content when an artifact starts.
 */
function artifact(ctx: Ctx, type: 'Pagination' | 'Layout', draw: () => void): void {
  ctx.doc.markContent('Artifact', { type });
  draw();
  ctx.doc.endMarkedContent();
}

// ---- text --------------------------------------------------------------------------------

function orDash(text: string): string {
  return text.trim() === '' ? '–' : text;
}

/** A hash in groups of four so it wraps and can be read aloud: "3a7b 09c1 …". */
function groupHex(hex: string): string {
  return orDash(hex.replace(/\s+/g, '').replace(/(.{4})(?=.)/gsu, '$1 '));
}

/** After these a line may break inside an overlong word: hyphens, slashes, soft hyphen, ZWSP, the spaces that are not U+0020. */
const SOFT_BREAK_AFTER = /^[-/\\\u00AD\u2010\u2012-\u2014\u2000-\u2006\u2008-\u200B\u3000]$/u;

/** The advance width of single characters, by font and size: what breaking long words adds up. */
type CharWidths = Map<string, Map<string, number>>;

/**
 * Breaks every word wider than `width` (in `style`) into pieces that fit, with line breaks, in
 * one pass over the characters' cumulative widths. pdfkit breaks such a word itself, but it
 * measures the rest of the word again for every line it takes off and caches every prefix it
 * measured: quadratic in time and memory (a 5,000-character word took seconds of CPU per
 * receipt). Words that fit are left to pdfkit's own line breaking.
 *
 * A "word" here runs up to the next space or line break, spaces after it included, as pdfkit
 * measures it. Where a piece must end, it ends after the last hyphen, slash or similar in it,
 * else after the last character that fits. The first piece fills what is left of the line the
 * word starts on (as pdfkit would), estimated from the words before it; where the estimate is
 * off pdfkit moves the piece to the next line, which still fits it.
 */
function breakOverlongWords(ctx: Ctx, style: TextStyle, text: string, width: number): string {
  const { doc } = ctx;
  doc.font(style.font).fontSize(style.size);
  const fontKey = `${style.font}/${style.size}`;
  const widths = ctx.charWidths.get(fontKey) ?? new Map<string, number>();
  ctx.charWidths.set(fontKey, widths);
  const widthOf = (char: string): number => {
    let w = widths.get(char);
    if (w === undefined) widths.set(char, (w = doc.widthOfString(char)));
    return w;
  };
  // pdfkit measures a piece with the line break after it, which the font gives a width.
  const full = width - widthOf('\n');
  let out = '';
  let x = 0; // where on the line the next word starts, as estimated
  for (const [word] of text.matchAll(/\n|[^ \n]+ *| +/g)) {
    if (word === '\n') {
      out += word;
      x = 0;
      continue;
    }
    let total = 0;
    for (const char of word) total += widthOf(char);
    // Kerning makes the exact width differ a little from the sum of the characters'.
    if (total <= width || doc.widthOfString(word) <= width) {
      out += word;
      x = x + total > width ? total : x + total;
      continue;
    }
    const chars = Array.from(word);
    const cumulative = [0];
    for (const char of chars) cumulative.push((cumulative.at(-1) ?? 0) + widthOf(char));
    // A start too near the end of the line: the first piece goes on the next line.
    let limit = full - x >= width / 4 ? full - x : full;
    let start = 0;
    let soft = -1;
    for (let i = 0; i < chars.length; i++) {
      const next = cumulative[i + 1] ?? 0;
      while (next - (cumulative[start] ?? 0) > limit && i > start) {
        let end = soft > start ? soft : i;
        // The exact width, kerning included, must fit too (rarely one character less).
        while (end > start + 1 && doc.widthOfString(chars.slice(start, end).join('')) > limit) end--;
        out += `${chars.slice(start, end).join('')}\n`;
        start = end;
        soft = -1;
        limit = full;
      }
      if (SOFT_BREAK_AFTER.test(chars[i] ?? '')) soft = i + 1;
    }
    out += chars.slice(start).join('');
    x = (cumulative.at(-1) ?? 0) - (cumulative[start] ?? 0);
  }
  return out;
}

/**
 * Text as the font can draw it: line breaks normalised, control characters dropped, and a
 * character without a glyph replaced by its compatibility decomposition without accents
 * (e.g. "ǅ" → "Dž") or, failing that, U+FFFD. Never an empty box that extracts as U+0000.
 */
function printable(covers: Covers, font: FontName, text: string): string {
  let out = '';
  for (const char of text.normalize('NFC').replace(/\r\n?|[\u2028\u2029]/g, '\n')) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (char === '\n') out += char;
    else if (char === '\t') out += '    ';
    else if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) continue;
    else if (covers(font, codePoint)) out += char;
    else {
      const folded = char.normalize('NFKD').replace(/\p{M}/gu, '');
      let drawable = folded !== '';
      for (const part of folded) drawable &&= covers(font, part.codePointAt(0) ?? 0);
      out += drawable ? folded : covers(font, 0xfffd) ? '\uFFFD' : '?';
    }
  }
  return out;
}

/**
 * A font as fontkit (inside pdfkit) parsed it: what sharing its decoded tables needs. pdfkit
 * has no API for it; pdfkit 0.20 keeps it at `_font.font` and takes one in `registerFont`.
 */
interface ParsedFont {
  layout(text: string): unknown;
  stream: { constructor: new (bytes: Uint8Array) => unknown };
  constructor: new (stream: unknown) => unknown;
  _tables: Record<string, unknown>;
}

function isParsedFont(value: unknown): value is ParsedFont {
  if (typeof value !== 'object' || value === null) return false;
  const font = value as Partial<ParsedFont>;
  return (
    typeof font.layout === 'function' &&
    typeof font._tables === 'object' &&
    font._tables !== null &&
    typeof font.stream?.constructor === 'function' &&
    typeof font.constructor === 'function'
  );
}

/** The first document's parsed fonts, by name: later documents share their decoded tables. */
const parsedFonts = new Map<FontName, ParsedFont>();

/**
 * What a document registers for `name`: the font file, parsed anew for the document (as
 * fontkit.create does: the directory only, the tables when first read), sharing the tables
 * the documents before it decoded. Decoding the layout tables (GSUB, GPOS) took about half the
 * time of a receipt. Only the tables are shared, as fontkit's own getVariation shares them:
 * the glyphs, the character map lookup and the layout engine stay the document's, so the
 * bytes are the same as from a font parsed for the document alone. Where pdfkit's or
 * fontkit's insides are not as expected, the document parses the bytes itself.
 */
function fontSource(name: FontName, bytes: Buffer): Buffer | ParsedFont {
  const template = parsedFonts.get(name);
  if (!template) return bytes;
  try {
    const Stream = template.stream.constructor;
    const Font = template.constructor;
    const font: unknown = new Font(new Stream(bytes));
    if (!isParsedFont(font)) return bytes;
    font._tables = template._tables;
    return font;
  } catch {
    return bytes;
  }
}

/** Keeps the fonts `doc` parsed (each one selected once already) for the next documents. */
function rememberParsedFonts(doc: PDFKit.PDFDocument): void {
  for (const name of ['Body', 'Bold', 'Mono'] as const) {
    if (parsedFonts.has(name)) continue;
    doc.font(name);
    const parsed = (doc as unknown as { _font?: { font?: unknown } })._font?.font;
    if (isParsedFont(parsed)) parsedFonts.set(name, parsed);
  }
  doc.font('Body');
}

interface GlyphLookup {
  hasGlyphForCodePoint(codePoint: number): boolean;
}

function isGlyphLookup(value: unknown): value is GlyphLookup {
  return (
    typeof value === 'object' &&
    value !== null &&
    'hasGlyphForCodePoint' in value &&
    typeof value.hasGlyphForCodePoint === 'function'
  );
}

/**
 * Which code points each registered font has a glyph for. pdfkit has no public API for this;
 * it keeps the parsed fontkit font at `_font.font` (pdfkit 0.20). Should that change, every
 * character counts as drawable and the receipt test with a CJK name fails.
 */
function glyphCoverage(doc: PDFKit.PDFDocument): Covers {
  const lookups = new Map<FontName, GlyphLookup>();
  for (const name of ['Body', 'Bold', 'Mono'] as const) {
    doc.font(name);
    const parsed = (doc as unknown as { _font?: { font?: unknown } })._font?.font;
    if (isGlyphLookup(parsed)) lookups.set(name, parsed);
  }
  doc.font('Body');
  const cache = new Map<string, boolean>();
  return (font, codePoint) => {
    const key = `${font}:${codePoint}`;
    let known = cache.get(key);
    if (known === undefined) {
      known = lookups.get(font)?.hasGlyphForCodePoint(codePoint) ?? true;
      cache.set(key, known);
    }
    return known;
  };
}

/**
 * The agency's name standing alone (a heading, the running head, the author): its first
 * letter capital. The English name is written for running text ("the Inspectorate of …").
 */
function standalone(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
