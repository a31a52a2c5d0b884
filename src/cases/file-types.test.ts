import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { format, messages } from '../platform/i18n/index.js';
import {
  ALLOWED_TYPES,
  attachmentMessageParams,
  checkAttachment,
  safeFileName,
  type FileProblem,
} from './file-types.js';

// --- a tiny stored (uncompressed) ZIP writer for test files ---------------------------

const encoder = new TextEncoder();
const bytesOf = (data: string | Uint8Array): Uint8Array =>
  typeof data === 'string' ? encoder.encode(data) : data;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

class ByteWriter {
  private readonly parts: number[] = [];
  get length(): number {
    return this.parts.length;
  }
  u16(n: number): this {
    this.parts.push(n & 0xff, (n >>> 8) & 0xff);
    return this;
  }
  u32(n: number): this {
    return this.u16(n & 0xffff).u16(n >>> 16);
  }
  bytes(b: Uint8Array): this {
    this.parts.push(...b);
    return this;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** A ZIP archive with the entries stored in order: local headers, central directory, end record. */
function zip(entries: readonly (readonly [name: string, data: string | Uint8Array])[]): Uint8Array {
  const out = new ByteWriter();
  const central = new ByteWriter();
  for (const [name, content] of entries) {
    const nameBytes = encoder.encode(name);
    const data = bytesOf(content);
    const offset = out.length;
    const crc = crc32(data);
    // local file header: version 2.0, UTF-8 names, stored, 1980-01-01 00:00
    out
      .u32(0x04034b50)
      .u16(20)
      .u16(0x0800)
      .u16(0)
      .u16(0)
      .u16(0x21)
      .u32(crc)
      .u32(data.length)
      .u32(data.length);
    out.u16(nameBytes.length).u16(0).bytes(nameBytes).bytes(data);
    central.u32(0x02014b50).u16(20).u16(20).u16(0x0800).u16(0).u16(0).u16(0x21).u32(crc).u32(data.length);
    central
      .u32(data.length)
      .u16(nameBytes.length)
      .u16(0)
      .u16(0)
      .u16(0)
      .u16(0)
      .u32(0)
      .u32(offset)
      .bytes(nameBytes);
  }
  const cdOffset = out.length;
  const cd = central.done();
  out
    .bytes(cd)
    .u32(0x06054b50)
    .u16(0)
    .u16(0)
    .u16(entries.length)
    .u16(entries.length)
    .u32(cd.length)
    .u32(cdOffset)
    .u16(0);
  return out.done();
}

const CONTENT_TYPES =
  '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
const RELS = ['_rels/.rels', '<Relationships/>'] as const;
const docx = zip([['[Content_Types].xml', CONTENT_TYPES], RELS, ['word/document.xml', '<w:document/>']]);
const xlsx = zip([['[Content_Types].xml', CONTENT_TYPES], RELS, ['xl/workbook.xml', '<workbook/>']]);
const pptx = zip([
  ['[Content_Types].xml', CONTENT_TYPES],
  RELS,
  ['ppt/presentation.xml', '<p:presentation/>'],
]);
const odf = (kind: string) =>
  zip([
    ['mimetype', `application/vnd.oasis.opendocument.${kind}`],
    ['content.xml', '<office:document-content/>'],
    ['META-INF/manifest.xml', '<manifest:manifest/>'],
  ]);
const odt = odf('text');
const ods = odf('spreadsheet');

/** An OLE2 compound file: the signature, a 512-byte header and a directory naming `stream`. */
function ole2(stream: string): Uint8Array {
  const file = new Uint8Array(1536);
  file.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  file.set(Array.from(stream, (c) => [c.charCodeAt(0), 0]).flat(), 1024);
  return file;
}

const pdf = bytesOf('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const png = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);
const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]);
const exe = bytesOf('MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode.');
const html = bytesOf('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');
const plainZip = zip([['readme.txt', 'hello']]);

const MAX = 10 * 1024 * 1024;
const check = (fileName: string, bytes: Uint8Array, maxBytes = MAX) =>
  checkAttachment({ fileName, bytes, maxBytes });

describe('checkAttachment: allowed files pass with their media type', () => {
  it.each([
    ['report.pdf', pdf, 'pdf', 'application/pdf'],
    ['Avtal.PDF', pdf, 'pdf', 'application/pdf'],
    [
      'specification.docx',
      docx,
      'docx',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    ['prices.xlsx', xlsx, 'xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    [
      'slides.pptx',
      pptx,
      'pptx',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    ['brev.odt', odt, 'odt', 'application/vnd.oasis.opendocument.text'],
    ['tabell.ods', ods, 'ods', 'application/vnd.oasis.opendocument.spreadsheet'],
    ['old.doc', ole2('WordDocument'), 'doc', 'application/msword'],
    ['old.xls', ole2('Workbook'), 'xls', 'application/vnd.ms-excel'],
    ['older.xls', ole2('Book'), 'xls', 'application/vnd.ms-excel'],
    ['scan.png', png, 'png', 'image/png'],
    ['photo.jpg', jpeg, 'jpeg', 'image/jpeg'],
    ['photo.JPEG', jpeg, 'jpeg', 'image/jpeg'],
    ['notes.txt', bytesOf('Hej, här är en anteckning.\r\n'), 'txt', 'text/plain'],
    ['bom.txt', Uint8Array.from([0xef, 0xbb, 0xbf, 0x61]), 'txt', 'text/plain'],
    ['rows.csv', bytesOf('namn;antal\nÅsa;3\n'), 'csv', 'text/csv'],
  ] as const)('%s', (fileName, bytes, typeId, mediaType) => {
    expect(check(fileName, bytes)).toEqual({ ok: true, fileName, mediaType, typeId });
  });

  it('returns the cleaned file name', () => {
    expect(check('C:\\Users\\anna\\Skrivbord\\Slutanvändarintyg  2025.pdf', pdf)).toMatchObject({
      ok: true,
      fileName: 'Slutanvändarintyg 2025.pdf',
    });
  });
});

describe('checkAttachment: a file is refused when its content is not what its name says', () => {
  it.each([
    ['an executable renamed .pdf', 'invoice.pdf', exe],
    ['an HTML page named .pdf', 'invoice.pdf', html],
    ['a PDF named .docx', 'contract.docx', pdf],
    ['a ZIP that is not OOXML named .docx', 'contract.docx', plainZip],
    ['a workbook named .docx', 'contract.docx', xlsx],
    ['a Word document named .xlsx', 'prices.xlsx', docx],
    ['a text document named .ods', 'table.ods', odt],
    ['a spreadsheet named .odt', 'letter.odt', ods],
    ['a Word document named .odt', 'letter.odt', docx],
    [
      'an ODF file with mimetype not first',
      'letter.odt',
      zip([
        ['content.xml', '<x/>'],
        ['mimetype', 'application/vnd.oasis.opendocument.text'],
      ]),
    ],
    [
      'an ODF template named .odt',
      'letter.odt',
      zip([['mimetype', 'application/vnd.oasis.opendocument.text-template']]),
    ],
    ['a workbook named .doc', 'old.doc', ole2('Workbook')],
    ['an OLE2 file without a known stream named .xls', 'setup.xls', ole2('SummaryInformation')],
    ['an OLE2 signature alone', 'old.doc', Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])],
    ['a PNG named .jpg', 'photo.jpg', png],
    ['a JPEG named .png', 'scan.png', jpeg],
    ['Latin-1 text named .txt', 'notes.txt', Uint8Array.from([0x48, 0xe5, 0x6c])],
    ['UTF-16 text named .txt', 'notes.txt', Uint8Array.from([0xff, 0xfe, 0x61, 0x00])],
    ['a PDF named .csv', 'rows.csv', Uint8Array.from([...pdf, 0, 0xff, 0xfe])],
    ['a truncated docx', 'contract.docx', docx.subarray(0, docx.length - 10)],
    ['a docx without its first bytes', 'contract.docx', docx.subarray(4)],
    ['a docx with trailing data', 'contract.docx', Uint8Array.from([...docx, 0, 0, 0])],
    [
      'a lone end-of-central-directory record',
      'contract.docx',
      Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...zip([]).subarray(0)]),
    ],
  ] as const)('%s', (_what, fileName, bytes) => {
    expect(check(fileName, bytes)).toEqual({ ok: false, problem: 'content_mismatch' });
  });

  it('refuses a docx whose central directory points outside the file', () => {
    const broken = Uint8Array.from(docx);
    const eocd = broken.length - 22;
    broken[eocd + 16] = 0xff; // central directory offset
    broken[eocd + 19] = 0x7f;
    expect(check('contract.docx', broken)).toEqual({ ok: false, problem: 'content_mismatch' });
  });
});

describe('checkAttachment: other problems', () => {
  it.each<[string, string, Uint8Array, number, FileProblem]>([
    ['an unknown extension', 'setup.exe', exe, MAX, 'type_not_allowed'],
    ['HTML', 'page.html', html, MAX, 'type_not_allowed'],
    ['a ZIP', 'files.zip', plainZip, MAX, 'type_not_allowed'],
    ['no extension', 'README', pdf, MAX, 'name_invalid'],
    ['a name that is only a path', '../../', pdf, MAX, 'name_invalid'],
    ['an empty file', 'empty.pdf', new Uint8Array(0), MAX, 'empty'],
    ['one byte too many', 'big.pdf', pdf, pdf.length - 1, 'too_large'],
  ])('%s', (_what, fileName, bytes, maxBytes, problem) => {
    expect(check(fileName, bytes, maxBytes)).toEqual({ ok: false, problem });
  });
  it('accepts a file of exactly the maximum size', () => {
    expect(check('exact.pdf', pdf, pdf.length)).toMatchObject({ ok: true });
  });
});

describe('safeFileName', () => {
  it.each([
    ['Avtal 2025.pdf', 'Avtal 2025.pdf'],
    ['/home/anna/rapport.pdf', 'rapport.pdf'],
    ['C:\\Users\\anna\\rapport.pdf', 'rapport.pdf'],
    ['../../etc/passwd.txt', 'passwd.txt'],
    ['  my   file .pdf ', 'my file.pdf'],
    ['file.pdf.', 'file.pdf'],
    ['..hidden.txt', 'hidden.txt'],
    ['a<b>:c"d|e?f*.pdf', 'abcdef.pdf'],
    ['rapport\u202Efdp.exe', 'rapportfdp.exe'], // the override would show "rapportexe.pdf"
    ['in\u0000voice\u0007.pdf', 'invoice.pdf'],
    ['Ange\u0301lica.docx', 'Angélica.docx'],
    ['e\u200b\u0301.txt', 'é.txt'],
    ['CON.pdf', '_CON.pdf'],
    ['archive.tar.gz', 'archive.tar.gz'],
  ])('%j → %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
  });

  it.each([
    '',
    '..',
    '.',
    '/etc/',
    'C:\\',
    'noextension',
    '.pdf',
    'file.',
    'file.p df',
    '<>.pdf',
    '\u202e.txt',
    'a.<>',
  ])('gives nothing for %j', (input) => {
    expect(safeFileName(input)).toBeUndefined();
  });

  it('shortens a long name to 120 characters, keeping the extension and whole letters', () => {
    const name = safeFileName(`${'å'.repeat(100)}${'e\u0301'.repeat(50)}.pdf`);
    expect(name).toBe(`${'å'.repeat(100)}${'é'.repeat(16)}.pdf`);
    const emoji = safeFileName(`${'x'.repeat(114)}👍🏽👍🏽.docx`);
    expect(emoji).toBe(`${'x'.repeat(114)}.docx`); // a skin-toned emoji is not cut in half
  });
});

describe('messages', () => {
  it('explain the limits and the allowed types', () => {
    const params = attachmentMessageParams(25 * 1024 * 1024);
    expect(params.types).toBe(
      '.pdf, .docx, .xlsx, .pptx, .odt, .ods, .doc, .xls, .png, .jpg, .jpeg, .txt, .csv',
    );
    expect(format(messages('sv'), 'attachment.error.too_large', params)).toContain('högst 25 MB');
    expect(format(messages('en'), 'attachment.error.type_not_allowed', params)).toContain('.pdf, .docx');
    for (const problem of [
      'empty',
      'too_large',
      'type_not_allowed',
      'content_mismatch',
      'name_invalid',
    ] as const) {
      for (const lang of ['sv', 'en'] as const) {
        expect(format(messages(lang), `attachment.error.${problem}`, params)).not.toMatch(/undefined|NaN/);
      }
    }
  });
  it('lists each allowed type once', () => {
    expect(new Set(ALLOWED_TYPES.map((t) => t.id)).size).toBe(ALLOWED_TYPES.length);
  });
});

// --- properties -----------------------------------------------------------------------

const nameChars = fc.constantFrom(
  'a',
  'Z',
  'å',
  '.',
  '..',
  '/',
  '\\',
  ' ',
  '\t',
  '\n',
  '\u0000',
  '\u001f',
  '\u0085',
  '\u202e',
  '\u2066',
  '\u200b',
  '\ufeff',
  '\ud800',
  '\u0301',
  '<',
  '>',
  ':',
  '"',
  '|',
  '?',
  '*',
  'pdf',
  'docx',
  'CON',
  '👍🏽',
);
const names = fc.oneof(
  fc.string({ unit: nameChars, maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

/** Valid files with some bytes changed, or cut short: the garbage a parser meets. */
const damaged = fc
  .tuple(
    fc.constantFrom(docx, xlsx, pptx, odt, ods, pdf, png, ole2('WordDocument')),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
    fc.nat(),
  )
  .map(([file, edits, cut]) => {
    const copy = Uint8Array.from(file);
    for (const [at, value] of edits) copy[at % copy.length] = value;
    return copy.subarray(0, cut % (copy.length + 1));
  });

describe('properties', () => {
  it('checkAttachment never throws, whatever the name and bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          names,
          fc.constantFrom(
            'a.pdf',
            'a.docx',
            'a.xlsx',
            'a.pptx',
            'a.odt',
            'a.ods',
            'a.doc',
            'a.xls',
            'a.txt',
            'a.csv',
            'a.png',
          ),
        ),
        fc.oneof(fc.uint8Array({ maxLength: 2000 }), damaged),
        fc.nat({ max: 4000 }),
        (fileName, bytes, maxBytes) => {
          const result = checkAttachment({ fileName, bytes, maxBytes });
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('safeFileName gives a base name without slashes, controls or a leading dot, and is idempotent', () => {
    fc.assert(
      fc.property(names, (input) => {
        const name = safeFileName(input);
        if (name === undefined) return;
        expect(name).not.toMatch(/[/\\<>:"|?*\p{Cc}\p{Cs}\u202a-\u202e\u2066-\u2069]/u);
        expect(name).not.toMatch(/^[.\s]/);
        expect(name).toMatch(/\.[\p{L}\p{N}]+$/u);
        expect(Array.from(name).length).toBeLessThanOrEqual(120);
        expect(name).toBe(name.normalize('NFC'));
        expect(safeFileName(name)).toBe(name);
      }),
      { numRuns: 2000 },
    );
  });
});
