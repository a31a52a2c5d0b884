import { describe, expect, it } from 'vitest';
import { escapeControlChars, splitControlChars } from './control-chars.js';

describe('control, bidi and separator characters', () => {
  it('attack: text with every bidi control, the line and paragraph separators and C0/C1 controls → invariant: each escaped as \\uXXXX, nothing else touched', () => {
    const controls = [
      ...Array.from({ length: 0x20 }, (_, i) => i),
      ...Array.from({ length: 0xa0 - 0x7f }, (_, i) => 0x7f + i),
      0x061c,
      0x200e,
      0x200f,
      0x2028,
      0x2029,
      0x202a,
      0x202b,
      0x202c,
      0x202d,
      0x202e,
      0x2066,
      0x2067,
      0x2068,
      0x2069,
    ].map((cp) => String.fromCodePoint(cp));
    for (const char of controls) {
      const hex = (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      expect(escapeControlChars(`a${char}b`)).toBe(`a\\u${hex}b`);
    }
    const harmless = 'Åsa Öberg-Müller, Łódź 漢字 ½ € \u00A0 \u200B 😀 \\u202E';
    expect(escapeControlChars(harmless)).toBe(harmless);
    // The escape is JSON's own: escaped JSON is the same JSON.
    const json = JSON.stringify({ issuer: 'CN=\u202Efdp.exe\u2028\u0085' });
    expect(JSON.parse(escapeControlChars(json))).toEqual(JSON.parse(json));
  });

  it('splits text for display into plain runs and escaped characters', () => {
    expect(splitControlChars('')).toEqual([{ text: '' }]);
    expect(splitControlChars('plain')).toEqual([{ text: 'plain' }]);
    expect(splitControlChars('\u202Eexe.pdf\u2028x')).toEqual([
      { escaped: '\\u202E', code: 'U+202E' },
      { text: 'exe.pdf' },
      { escaped: '\\u2028', code: 'U+2028' },
      { text: 'x' },
    ]);
  });
});
