/**
 * Attachment checks: which files a case may carry, and whether a file's bytes really are
 * of the type its name says. The type is decided by the extension and then verified by
 * content, so that an executable or an HTML page renamed to .pdf is refused rather than
 * stored and later opened by a case officer. Pure; never decompresses anything.
 */

export interface AllowedType {
  id: string;
  mediaType: string;
  extensions: readonly string[];
}

type TypeId =
  'pdf' | 'docx' | 'xlsx' | 'pptx' | 'odt' | 'ods' | 'doc' | 'xls' | 'png' | 'jpeg' | 'txt' | 'csv';

interface KnownType extends AllowedType {
  id: TypeId;
}

const TYPES: readonly KnownType[] = [
  { id: 'pdf', mediaType: 'application/pdf', extensions: ['pdf'] },
  {
    id: 'docx',
    mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
  },
  {
    id: 'xlsx',
    mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
  },
  {
    id: 'pptx',
    mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extensions: ['pptx'],
  },
  { id: 'odt', mediaType: 'application/vnd.oasis.opendocument.text', extensions: ['odt'] },
  { id: 'ods', mediaType: 'application/vnd.oasis.opendocument.spreadsheet', extensions: ['ods'] },
  { id: 'doc', mediaType: 'application/msword', extensions: ['doc'] },
  { id: 'xls', mediaType: 'application/vnd.ms-excel', extensions: ['xls'] },
  { id: 'png', mediaType: 'image/png', extensions: ['png'] },
  { id: 'jpeg', mediaType: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
  { id: 'txt', mediaType: 'text/plain', extensions: ['txt'] },
  { id: 'csv', mediaType: 'text/csv', extensions: ['csv'] },
];

/** The file types a case may carry. */
export const ALLOWED_TYPES: readonly AllowedType[] = TYPES;

export type FileProblem = 'empty' | 'too_large' | 'type_not_allowed' | 'content_mismatch' | 'name_invalid';

export type AttachmentCheck =
  { ok: true; fileName: string; mediaType: string; typeId: string } | { ok: false; problem: FileProblem };

/**
 * Checks an uploaded attachment: a usable name (see `safeFileName`), an allowed extension,
 * not empty, at most `maxBytes`, and content that is what the extension says. On success
 * returns the cleaned file name and the media type to store and serve it with.
 */
export function checkAttachment(input: {
  fileName: string;
  bytes: Uint8Array;
  maxBytes: number;
}): AttachmentCheck {
  const fileName = safeFileName(input.fileName);
  if (fileName === undefined) return { ok: false, problem: 'name_invalid' };
  const extension = fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase();
  const type = TYPES.find((t) => t.extensions.includes(extension));
  if (!type) return { ok: false, problem: 'type_not_allowed' };
  if (input.bytes.length === 0) return { ok: false, problem: 'empty' };
  if (input.bytes.length > input.maxBytes) return { ok: false, problem: 'too_large' };
  if (!CONTENT_CHECKS[type.id](input.bytes)) return { ok: false, problem: 'content_mismatch' };
  return { ok: true, fileName, mediaType: type.mediaType, typeId: type.id };
}

/** Parameters for the attachment messages: the size limit in MB and the allowed extensions. */
export function attachmentMessageParams(maxBytes: number): { maxMb: number; types: string } {
  return {
    maxMb: Math.floor((maxBytes / (1024 * 1024)) * 10) / 10,
    types: TYPES.flatMap((t) => t.extensions.map((e) => `.${e}`)).join(', '),
  };
}

// --- file names -----------------------------------------------------------------------

const MAX_NAME_LENGTH = 120;
/** Names Windows cannot create files with, whatever the extension. */
const WINDOWS_RESERVED = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

function isUnwantedChar(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) || // DEL and C1 controls
    (cp >= 0xd800 && cp <= 0xdfff) || // unpaired surrogates
    (cp >= 0x200b && cp <= 0x200f) || // zero-width characters and LRM/RLM
    (cp >= 0x202a && cp <= 0x202e) || // bidi embeddings and overrides ("exe.pdf" spoofing)
    (cp >= 0x2066 && cp <= 0x2069) || // bidi isolates
    cp === 0x061c ||
    cp === 0xfeff ||
    '<>:"|?*'.includes(String.fromCodePoint(cp))
  );
}

/**
 * A file name safe to store and to offer in a download: the base name only (no directory
 * of either kind of slash), NFC, without control, invisible and bidi characters or any of
 * `<>:"|?*`, whitespace collapsed, no leading dots, at most 120 characters (the stem is
 * shortened, the extension kept). `undefined` when no name with an extension remains.
 */
export function safeFileName(name: string): string | undefined {
  const base = name.split(/[/\\]/).at(-1) ?? '';
  let kept = '';
  for (const char of base.normalize('NFC')) {
    if (!isUnwantedChar(char.codePointAt(0) ?? 0)) kept += char;
  }
  // Again: a removed character may have stood between a letter and its accent.
  const cleaned = kept
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+/, '')
    .replace(/[\s.]+$/, '');
  const dot = cleaned.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const extension = cleaned.slice(dot + 1);
  if (!/^[\p{L}\p{N}]{1,16}$/u.test(extension)) return undefined;
  let stem = cleaned.slice(0, dot).replace(/[\s.]+$/, '');
  if (stem === '') return undefined;
  if (WINDOWS_RESERVED.test(stem)) stem = `_${stem}`;
  const room = MAX_NAME_LENGTH - codePoints(extension) - 1;
  if (codePoints(stem) > room) {
    stem = shortenTo(stem, room).replace(/[\s.]+$/, '');
    if (stem === '') return undefined;
  }
  return `${stem}.${extension}`;
}

function codePoints(text: string): number {
  return Array.from(text).length;
}

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });

/** The longest prefix of whole graphemes (a letter keeps its accents) of at most `max` code points. */
function shortenTo(text: string, max: number): string {
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const n = codePoints(segment);
    if (used + n > max) break;
    out += segment;
    used += n;
  }
  return out;
}

// --- content checks -------------------------------------------------------------------

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (at < 0 || at + prefix.length > bytes.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

/** The bytes of an ASCII string. */
function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

/** `text` in UTF-16LE, as OLE2 directory entries store stream names. */
function utf16le(text: string): number[] {
  return ascii(text).flatMap((c) => [c, 0]);
}

function contains(bytes: Uint8Array, needle: readonly number[]): boolean {
  const first = needle[0];
  if (first === undefined) return true;
  for (let i = bytes.indexOf(first); i !== -1; i = bytes.indexOf(first, i + 1)) {
    if (startsWith(bytes, needle, i)) return true;
  }
  return false;
}

function u16(bytes: Uint8Array, at: number): number {
  if (at < 0 || at + 2 > bytes.length) return -1;
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}

function u32(bytes: Uint8Array, at: number): number {
  if (at < 0 || at + 4 > bytes.length) return -1;
  return (
    ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16)) +
    (bytes[at + 3] ?? 0) * 0x1000000
  );
}

const ZIP_LOCAL_HEADER = 0x04034b50;
const ZIP_CENTRAL_HEADER = 0x02014b50;
const ZIP_END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const EOCD_SIZE = 22;
const LOCAL_HEADER_SIZE = 30;
const CENTRAL_HEADER_SIZE = 46;

interface ZipEntry {
  name: string;
  localHeaderOffset: number;
}

const nameDecoder = new TextDecoder('utf-8');

/**
 * The entries of a ZIP archive from its central directory, each checked to point at a
 * local file header of the same name; `undefined` for anything that is not a plain
 * single-disk, non-ZIP64 archive starting with a local file header. Reads names only.
 */
function readZipEntries(bytes: Uint8Array): ZipEntry[] | undefined {
  if (u32(bytes, 0) !== ZIP_LOCAL_HEADER) return undefined;
  // The end record is last, followed only by its comment (at most 65535 bytes).
  let eocd = -1;
  const lowest = Math.max(0, bytes.length - EOCD_SIZE - 0xffff);
  for (let i = bytes.length - EOCD_SIZE; i >= lowest; i--) {
    if (
      u32(bytes, i) === ZIP_END_OF_CENTRAL_DIRECTORY &&
      i + EOCD_SIZE + u16(bytes, i + 20) === bytes.length
    ) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const count = u16(bytes, eocd + 10);
  const cdSize = u32(bytes, eocd + 12);
  const cdOffset = u32(bytes, eocd + 16);
  const singleDisk =
    u16(bytes, eocd + 4) === 0 && u16(bytes, eocd + 6) === 0 && u16(bytes, eocd + 8) === count;
  if (!singleDisk || count === 0 || count === 0xffff || cdOffset === 0xffffffff || cdOffset + cdSize > eocd) {
    return undefined;
  }
  const cdEnd = cdOffset + cdSize;
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + CENTRAL_HEADER_SIZE > cdEnd || u32(bytes, p) !== ZIP_CENTRAL_HEADER) return undefined;
    const nameLength = u16(bytes, p + 28);
    const next = p + CENTRAL_HEADER_SIZE + nameLength + u16(bytes, p + 30) + u16(bytes, p + 32);
    if (next > cdEnd) return undefined;
    const nameBytes = bytes.subarray(p + CENTRAL_HEADER_SIZE, p + CENTRAL_HEADER_SIZE + nameLength);
    const local = u32(bytes, p + 42);
    const localNameLength = u16(bytes, local + 26);
    if (
      u32(bytes, local) !== ZIP_LOCAL_HEADER ||
      localNameLength !== nameLength ||
      local + LOCAL_HEADER_SIZE + nameLength > cdOffset ||
      !startsWith(bytes, [...nameBytes], local + LOCAL_HEADER_SIZE)
    ) {
      return undefined;
    }
    entries.push({ name: nameDecoder.decode(nameBytes), localHeaderOffset: local });
    p = next;
  }
  return entries;
}

/** OOXML (docx/xlsx/pptx): a ZIP with `[Content_Types].xml` and the main part's folder. */
function isOoxml(folder: string): (bytes: Uint8Array) => boolean {
  return (bytes) => {
    const entries = readZipEntries(bytes);
    return (
      entries !== undefined &&
      entries.some((e) => e.name === '[Content_Types].xml') &&
      entries.some((e) => e.name.startsWith(folder))
    );
  };
}

/** ODF: a ZIP whose first entry is an uncompressed `mimetype` holding exactly the media type. */
function isOdf(mediaType: string): (bytes: Uint8Array) => boolean {
  const expected = ascii(mediaType);
  const name = ascii('mimetype');
  return (bytes) => {
    const entries = readZipEntries(bytes);
    const dataStart = LOCAL_HEADER_SIZE + name.length + u16(bytes, 28);
    return (
      entries !== undefined &&
      entries.some((e) => e.localHeaderOffset === 0) &&
      u16(bytes, 8) === 0 && // stored, not deflated
      u32(bytes, 18) === expected.length &&
      u16(bytes, 26) === name.length &&
      startsWith(bytes, name, LOCAL_HEADER_SIZE) &&
      startsWith(bytes, expected, dataStart)
    );
  };
}

const OLE2_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/**
 * Legacy Office (OLE2 compound file): the signature, a whole header sector, and the name
 * of the main stream in a directory entry ("WordDocument"; "Workbook", or "Book" in old
 * BIFF5 files). Searching for the UTF-16LE name is not a full parse, but it tells a Word
 * document from a workbook or an installer package, which are also OLE2 files.
 */
function isOle2With(...streams: string[]): (bytes: Uint8Array) => boolean {
  const needles = streams.map(utf16le);
  return (bytes) =>
    bytes.length >= 512 && startsWith(bytes, OLE2_SIGNATURE) && needles.some((n) => contains(bytes, n));
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Text: valid UTF-8 (a BOM is fine) without NUL bytes, which no text file has. */
function isUtf8Text(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const CONTENT_CHECKS: Readonly<Record<TypeId, (bytes: Uint8Array) => boolean>> = {
  pdf: (b) => startsWith(b, ascii('%PDF-')),
  png: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  jpeg: (b) => startsWith(b, [0xff, 0xd8, 0xff]),
  docx: isOoxml('word/'),
  xlsx: isOoxml('xl/'),
  pptx: isOoxml('ppt/'),
  odt: isOdf('application/vnd.oasis.opendocument.text'),
  ods: isOdf('application/vnd.oasis.opendocument.spreadsheet'),
  doc: isOle2With('WordDocument'),
  xls: isOle2With('Workbook', 'Book'),
  txt: isUtf8Text,
  csv: isUtf8Text,
};
