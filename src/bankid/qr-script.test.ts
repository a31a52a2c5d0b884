/**
 * The waiting page's own QR encoder (static/qr.js), run as the browser runs it (a plain
 * script), against the `qrcode` package that draws the server's fallback image: for the
 * same text in one byte-mode segment at level L, the same version and, with the same mask,
 * the same matrix module for module. Where the two choose different masks, the choice is
 * checked against the standard's penalty rules and the matrix compared with the mask forced.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { qrData } from './qr.js';

interface Encoded {
  version: number;
  size: number;
  mask: number;
  modules: Uint8Array;
}
interface KundwebbenQr {
  encode(text: string, mask?: number): Encoded;
  draw(container: FakeElement, text: string, label: string): FakeElement;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const source = readFileSync(path.join(root, 'static/qr.js'), 'utf8');

/** Runs the script as a page's <script> would, with its own `window` (in this realm: a fresh one runs it several times slower). */
function loadScript(): KundwebbenQr {
  const window = {} as { KundwebbenQr?: KundwebbenQr };
  const run = vm.runInThisContext(`(function (window) {${source}\n})`, { filename: 'static/qr.js' }) as (w: object) => void;
  run(window);
  if (!window.KundwebbenQr) throw new Error('static/qr.js did not define window.KundwebbenQr');
  return window.KundwebbenQr;
}
const qr = loadScript();

/** What `qrcode` makes of the text as one byte segment at level L (optionally with a mask). */
function reference(text: string, mask?: number) {
  const symbol = QRCode.create([{ data: Buffer.from(text, 'utf8'), mode: 'byte' }], {
    errorCorrectionLevel: 'L',
    ...(mask === undefined ? {} : { maskPattern: mask as QRCode.QRCodeMaskPattern }),
  });
  return { version: symbol.version, mask: symbol.maskPattern as number, size: symbol.modules.size, modules: Uint8Array.from(symbol.modules.data) };
}

/** The standard's penalty (ISO/IEC 18004 §7.8.3.1) of a finished matrix, written apart from the script. */
function penalty(modules: Uint8Array, size: number): number {
  const at = (x: number, y: number) => modules[y * size + x] ?? 0;
  let score = 0;
  for (let horizontal = 0; horizontal < 2; horizontal++) {
    for (let a = 0; a < size; a++) {
      const line = Array.from({ length: size }, (_, b) => (horizontal ? at(b, a) : at(a, b)));
      let run = 1;
      for (let i = 1; i <= size; i++) {
        if (i < size && line[i] === line[i - 1]) run++;
        else {
          if (run >= 5) score += run - 2;
          run = 1;
        }
      }
      const light = (from: number, to: number) => line.slice(Math.max(0, from), Math.max(0, to)).every((m) => m === 0);
      for (let i = 0; i + 7 <= size; i++) {
        if (line.slice(i, i + 7).join('') === '1011101' && (light(i - 4, i) || light(i + 7, i + 11))) score += 40;
      }
    }
  }
  let dark = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      dark += at(x, y);
      if (x + 1 < size && y + 1 < size) {
        const sum = at(x, y) + at(x + 1, y) + at(x, y + 1) + at(x + 1, y + 1);
        if (sum === 0 || sum === 4) score += 3;
      }
    }
  }
  return score + 10 * Math.floor(Math.abs((dark * 100) / (size * size) - 50) / 5);
}

/** Compares the script's symbol with the reference's; returns whether the masks agreed. */
function expectSameSymbol(text: string): boolean {
  const ours = qr.encode(text);
  const theirs = reference(text);
  expect(ours.version, text).toBe(theirs.version);
  expect(ours.size).toBe(theirs.size);
  if (ours.mask === theirs.mask) {
    expect(Buffer.from(ours.modules).equals(Buffer.from(theirs.modules)), `matrix of ${text}`).toBe(true);
    return true;
  }
  // A different mask: ours must have the lowest penalty by the standard, and with that mask
  // forced the reference draws exactly our matrix.
  const scores = Array.from({ length: 8 }, (_, mask) => penalty(qr.encode(text, mask).modules, ours.size));
  expect(scores[ours.mask]).toBe(Math.min(...scores));
  expect(scores.indexOf(Math.min(...scores))).toBe(ours.mask);
  const forced = reference(text, ours.mask);
  expect(Buffer.from(ours.modules).equals(Buffer.from(forced.modules)), `matrix of ${text} with mask ${ours.mask}`).toBe(true);
  return false;
}

/** A deterministic stream of pseudo-random numbers (the inputs are the same every run). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('the waiting page QR encoder (static/qr.js)', () => {
  it('draws BankID’s animated QR data as qrcode does: 300 codes of qrData’s shape, seconds 0 to 599', () => {
    const random = seeded(14);
    let agreed = 0;
    const versions = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const token = randomUUID();
      const secret = randomUUID();
      const start = 1_800_000_000_000;
      const seconds = Math.floor(random() * 600);
      const data = qrData(token, secret, start, start + seconds * 1000);
      expect(data).toMatch(/^bankid\.[0-9a-f-]{36}\.\d+\.[0-9a-f]{64}$/);
      if (expectSameSymbol(data)) agreed++;
      versions.add(qr.encode(data).version);
    }
    expect([...versions]).toEqual([6]);
    // The mask choice follows the standard; qrcode's rules differ a little (it scores the dark
    // share and the finder-like pattern its own way) and pick another mask for a few percent.
    expect(agreed).toBeGreaterThan(240);
  });

  it('matches BankID’s own test vector of the QR guide', () => {
    const token = '67df3917-fa0d-44e5-b327-edcc928297f8';
    const secret = 'd28db9a7-4cde-429e-a983-359be676944c';
    const data = `bankid.${token}.1.${createHmac('sha256', secret).update('1').digest('hex')}`;
    expect(data).toBe('bankid.67df3917-fa0d-44e5-b327-edcc928297f8.1.949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2');
    expectSameSymbol(data);
  });

  it('every version from 1 to 40 (lengths at the edges of each), and text beyond ASCII as UTF-8', () => {
    const random = seeded(40);
    const text = (length: number) =>
      Array.from({ length }, () => 'abcdefghijklmnopqrstuvwxyz0123456789.-_'.charAt(Math.floor(random() * 39))).join('');
    for (let length = 1; length <= 300; length += 11) expectSameSymbol(text(length));
    // The largest a level-L symbol holds, exactly, and every version's own limit.
    for (const length of [17, 32, 53, 78, 106, 134, 154, 192, 230, 271, 321, 367, 425, 458, 520, 586, 644, 718, 792, 858, 929, 1003, 1091, 1171, 1273, 1367, 1465, 1528, 1628, 1732, 1840, 1952, 2068, 2188, 2303, 2431, 2563, 2699, 2809, 2953]) {
      expectSameSymbol(text(length));
      if (length < 2953) expectSameSymbol(text(length + 1));
    }
    expect(qr.encode(text(2953)).version).toBe(40);
    expect(() => qr.encode(text(2954))).toThrow();
    // (qrcode leaves out an empty segment altogether, so '' is not compared: qrData never is.)
    for (const t of ['Kundwebben – åäö ÅÄÖ', 'emoji 😀 and ✓']) expectSameSymbol(t);
  });

  it('draws the matrix into an <svg role="img"> named by the label, carrying the data it shows', () => {
    const data = qrData(randomUUID(), randomUUID(), 0, 5_000);
    const document = new FakeDocument();
    const box = document.createElementNS('html', 'div');
    box.appendChild(document.createElementNS('html', 'img'));
    const svg = qr.draw(box, data, 'QR-kod för BankID');
    expect(box.children).toEqual([svg]);
    expect(svg.tag).toBe('svg');
    expect(svg.attributes).toMatchObject({ role: 'img', 'aria-label': 'QR-kod för BankID', 'data-qr': data });
    const encoded = qr.encode(data);
    expect(svg.attributes['viewBox']).toBe(`0 0 ${encoded.size + 8} ${encoded.size + 8}`);
    const d = svg.children[1]?.attributes['d'] ?? '';
    expect(matrixFromPath(d, encoded.size, 4)).toEqual(Array.from(encoded.modules));
  });
});

/** The dark modules of a path of `M x y h n v1 h-n z` rectangles, as a matrix (row by row). */
function matrixFromPath(d: string, size: number, quietZone: number): number[] {
  const modules = new Array<number>(size * size).fill(0);
  for (const [, x, y, n] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    for (let i = 0; i < Number(n); i++) modules[(Number(y) - quietZone) * size + Number(x) - quietZone + i] = 1;
  }
  return modules;
}

/** Just enough of a DOM for draw(). */
class FakeElement {
  readonly attributes: Record<string, string> = {};
  readonly children: FakeElement[] = [];
  readonly tag: string;
  readonly ownerDocument: FakeDocument;
  constructor(tag: string, ownerDocument: FakeDocument) {
    this.tag = tag;
    this.ownerDocument = ownerDocument;
  }
  setAttribute(name: string, value: string): void {
    this.attributes[name] = value;
  }
  appendChild(child: FakeElement): FakeElement {
    this.children.push(child);
    return child;
  }
  removeChild(child: FakeElement): FakeElement {
    this.children.splice(this.children.indexOf(child), 1);
    return child;
  }
  get firstChild(): FakeElement | null {
    return this.children[0] ?? null;
  }
}

class FakeDocument {
  createElementNS(_ns: string, tag: string): FakeElement {
    return new FakeElement(tag, this);
  }
}
