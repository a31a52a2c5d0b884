import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { format, messages } from '../platform/i18n/index.js';
import {
  COUNTRY_CODES,
  countryName,
  countryOptions,
  currencyOptions,
  formatAmount,
  formatAmountNumber,
  mlCategories,
  parseFieldValue,
  problemMessageKey,
  problemMessageParams,
  type FieldProblem,
  type FieldSpec,
  type FieldType,
  type Lang,
} from './formats.js';
import { formatsEn, formatsSv } from './formats-messages.js';

const LANGS: readonly Lang[] = ['sv', 'en'];
const spec = (type: FieldType, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  type,
  required: true,
  ...extra,
});

type Row = readonly [input: string, expected: string | { problem: FieldProblem }];

/** Table rows checked in both languages unless a language is given. */
function table(
  type: FieldType,
  rows: readonly Row[],
  extra: Partial<FieldSpec> = {},
  langs: readonly Lang[] = LANGS,
) {
  for (const lang of langs) {
    it.each(rows)(`${type} (${lang}): %j`, (input, expected) => {
      const result = parseFieldValue(spec(type, extra), input, lang);
      expect(result).toEqual(
        typeof expected === 'string'
          ? { ok: true, value: expected }
          : { ok: false, problem: expected.problem },
      );
    });
  }
}

const bad = (problem: FieldProblem) => ({ problem });

describe('required and empty', () => {
  it.each<FieldType>(['text', 'textarea', 'email', 'amount', 'yes_no', 'select', 'date'])(
    'an empty or blank %s is "required" when required and "" otherwise',
    (type) => {
      for (const raw of [undefined, '', '   ', '\n\t ', '\u00a0\u3000']) {
        expect(parseFieldValue({ type, required: true }, raw, 'sv')).toEqual({
          ok: false,
          problem: 'required',
        });
        expect(parseFieldValue({ type, required: false }, raw, 'en')).toEqual({ ok: true, value: '' });
      }
    },
  );
});

describe('text', () => {
  table('text', [
    ['  Acme   Försvar\u00a0AB  ', 'Acme Försvar AB'],
    ['Ange\u0301lica', 'Angélica'], // NFC
    ['<script>alert(1)</script>', '<script>alert(1)</script>'], // just text; escaping is the view's job
    ["Robert'); DROP TABLE cases;--", "Robert'); DROP TABLE cases;--"],
    ['x'.repeat(200), 'x'.repeat(200)],
    ['x'.repeat(201), bad('too_long')],
    ['😀'.repeat(200), '😀'.repeat(200)], // code points, not UTF-16 units
    ['two\nlines', bad('control_chars')],
    ['tab\there', bad('control_chars')],
    ['bell\u0007', bad('control_chars')],
    ['del\u007f', bad('control_chars')],
    ['c1\u0085', bad('control_chars')],
    ['invoice\u202Efdp.exe', bad('control_chars')], // right-to-left override
    ['isolate\u2066x\u2069', bad('control_chars')],
    ['lone \ud800 surrogate', bad('control_chars')],
  ]);
  it('honours maxLength', () => {
    expect(parseFieldValue(spec('text', { maxLength: 5 }), 'abcdef', 'sv')).toEqual({
      ok: false,
      problem: 'too_long',
    });
    expect(parseFieldValue(spec('text', { maxLength: 5 }), ' ab   c ', 'sv')).toEqual({
      ok: true,
      value: 'ab c',
    });
  });
});

describe('textarea', () => {
  table('textarea', [
    ['line 1  \r\nline 2\t\rline 3', 'line 1\nline 2\nline 3'],
    ['\n\n  first\n\n\nlast  \n\n', 'first\n\n\nlast'],
    ['keep\tinner  spaces', 'keep\tinner  spaces'],
    ['para\u2029next', 'para\nnext'],
    ['<img src=x onerror=alert(1)>', '<img src=x onerror=alert(1)>'],
    ['x'.repeat(5000), 'x'.repeat(5000)],
    ['x'.repeat(5001), bad('too_long')],
    ['nul\u0000', bad('control_chars')],
    ['vt\u000bx', bad('control_chars')],
    ['rlo\u202ex', bad('control_chars')],
  ]);
});

describe('email', () => {
  table('email', [
    ['Anna.Svensson@Exempel.SE', 'Anna.Svensson@exempel.se'],
    [' info@försvar.example ', 'info@försvar.example'],
    ['a+tag@sub.example.com', 'a+tag@sub.example.com'],
    ['no-at.example.se', bad('email')],
    ['two@@example.se', bad('email')],
    ['a@b@example.se', bad('email')],
    ['with space@example.se', bad('email')],
    ['nodot@localhost', bad('email')],
    ['a@-bad.example', bad('email')],
    ['a@example.123', bad('email')],
    ['.a@example.se', bad('email')],
    ['a..b@example.se', bad('email')],
    ['"quoted"@example.se', bad('email')],
    ['<a@example.se>', bad('email')],
    [`${'a'.repeat(65)}@example.se`, bad('email')],
    [`a@${'b'.repeat(62)}.${'c'.repeat(62)}.${'d'.repeat(62)}.${'e'.repeat(62)}.se`, bad('email')],
  ]);
});

describe('phone', () => {
  table('phone', [
    ['08-123 456 78', '+46812345678'],
    ['070-123 45 67', '+46701234567'],
    ['(08) 123 456 78', '+46812345678'],
    ['+46 8 123 456 78', '+46812345678'],
    ['+46 (0)8-123 456 78', '+46812345678'],
    ['0046 8 123 456 78', '+46812345678'],
    ['+47 22 12 34 56', '+4722123456'],
    ['+1 (202) 555-0100', '+12025550100'],
    ['812345678', bad('phone')], // no country and no trunk prefix: a guess
    ['+46 8', bad('phone')],
    ['+123456789012345678', bad('phone')],
    ['08 123 ABC', bad('phone')],
    ['08+12345678', bad('phone')],
    ['+0 123 456 78', bad('phone')],
  ]);
});

describe('orgnr', () => {
  table('orgnr', [
    ['556677-8899', '5566778899'],
    ['16556677-8899', '5566778899'],
    [' 556677 8899 ', '5566778899'],
    ['556677-8898', bad('orgnr_check_digit')],
    ['191212-1212', bad('orgnr_not_legal_person')],
    ['5566', bad('orgnr_format')],
    ['ABCDEF-GHIJ', bad('orgnr_format')],
  ]);
});

describe('date', () => {
  table('date', [
    ['2024-02-29', '2024-02-29'],
    [' 2025-12-31 ', '2025-12-31'],
    ['2000-02-29', '2000-02-29'],
    ['2023-02-29', bad('date_invalid')],
    ['1900-02-29', bad('date_invalid')],
    ['2025-04-31', bad('date_invalid')],
    ['2025-13-01', bad('date_invalid')],
    ['2025-00-10', bad('date_invalid')],
    ['0000-01-01', bad('date_invalid')],
    ['2025-1-5', bad('date_format')],
    ['31/12/2025', bad('date_format')],
    ['2025-12-31T00:00:00Z', bad('date_format')],
    ['20251231', bad('date_format')],
  ]);
  table(
    'date',
    [
      ['2025-01-01', '2025-01-01'],
      ['2025-12-31', '2025-12-31'],
      ['2024-12-31', bad('date_range')],
      ['2026-01-01', bad('date_range')],
    ],
    { minDate: '2025-01-01', maxDate: '2025-12-31' },
  );
});

describe('integer', () => {
  table('integer', [
    ['42', '42'],
    ['007', '7'],
    ['1 000 000', '1000000'],
    ['1\u00a0000', '1000'],
    ['1000000000', '1000000000'],
    ['1000000001', bad('integer_range')],
    ['0', bad('integer_range')],
    ['99999999999999999999999999', bad('integer_range')],
    ['-5', bad('integer')],
    ['1.5', bad('integer')],
    ['12 34', bad('integer')],
    ['1e3', bad('integer')],
    ['١٢٣', bad('integer')], // Arabic-Indic digits are refused, not silently read
  ]);
  table('integer', [['1,000', bad('integer')]], {}, ['sv']);
  table(
    'integer',
    [
      ['1,000', '1000'],
      ['1,000,000', '1000000'],
      ['1,00', bad('integer')],
    ],
    {},
    ['en'],
  );
  table(
    'integer',
    [
      ['0', '0'],
      ['10', '10'],
      ['11', bad('integer_range')],
    ],
    { min: 0, max: 10 },
  );
});

describe('amount', () => {
  table('amount', [
    ['1 234 567,50', '1234567.50'],
    ['1234567,5', '1234567.50'],
    ['1,234,567.50', '1234567.50'],
    ['1234567.50', '1234567.50'],
    ['1.234.567,50', '1234567.50'],
    ['1 234.5', '1234.50'],
    ['1\u202f234,50', '1234.50'],
    ['0,5', '0.50'],
    ['0', '0.00'],
    ['00012', '12.00'],
    ['10000000000000', '10000000000000.00'],
    ['10000000000000,01', bad('amount_range')],
    ['1234,567', bad('amount_decimals')],
    ['1,2345', bad('amount_decimals')],
    ['1.234', bad('amount_decimals')],
    ['0,123', bad('amount_decimals')],
    ['12,', bad('amount_format')],
    [',50', bad('amount_format')],
    ['-100', bad('amount_format')],
    ['100 kr', bad('amount_format')],
    ['1,234.567,8', bad('amount_format')],
    ['1 234,567.50', bad('amount_format')],
    ['12 34,50', bad('amount_format')],
    ['1,23,456.00', bad('amount_format')],
    ['1e5', bad('amount_format')],
  ]);
  it('decides a lone comma followed by three digits by language: decimal in Swedish, thousands in English', () => {
    expect(parseFieldValue(spec('amount'), '1,234', 'sv')).toEqual({ ok: false, problem: 'amount_decimals' });
    expect(parseFieldValue(spec('amount'), '1,234', 'en')).toEqual({ ok: true, value: '1234.00' });
    expect(parseFieldValue(spec('amount'), '12,345', 'en')).toEqual({ ok: true, value: '12345.00' });
    expect(parseFieldValue(spec('amount'), '1,23', 'en')).toEqual({ ok: true, value: '1.23' });
    expect(parseFieldValue(spec('amount'), '0,123', 'en')).toEqual({ ok: false, problem: 'amount_decimals' });
  });
  table(
    'amount',
    [
      ['0.01', bad('amount_range')],
      ['0.10', '0.10'],
      ['100', '100.00'],
      ['100,01', bad('amount_range')],
    ],
    {
      min: 0.1,
      max: 100,
    },
  );
  it('formats for display in the language, always with two decimals', () => {
    const nbsp = /[\u00a0\u202f]/g;
    expect(formatAmount('1234567.50', 'SEK', 'sv').replace(nbsp, ' ')).toBe('1 234 567,50 SEK');
    expect(formatAmount('1234567.50', 'SEK', 'en').replace(nbsp, ' ')).toBe('SEK 1,234,567.50');
    expect(formatAmount('1234.50', 'JPY', 'sv').replace(nbsp, ' ')).toBe('1 234,50 JPY');
    expect(formatAmountNumber('9999999999999.99', 'en')).toBe('9,999,999,999,999.99');
  });
});

describe('lists', () => {
  table('currency', [
    ['SEK', 'SEK'],
    ['eur', 'EUR'],
    ['XYZ', bad('currency')],
    ['SEKK', bad('currency')],
    ['kr', bad('currency')],
  ]);
  table('country', [
    ['SE', 'SE'],
    ['no', 'NO'],
    ['XK', bad('country')],
    ['UK', bad('country')],
    ['SWE', bad('country')],
  ]);
  table('ml_category', [
    ['ML1', 'ML1'],
    ['ml22', 'ML22'],
    ['ML 4', 'ML4'],
    ['ML-04', 'ML4'],
    ['ML0', bad('ml_category')],
    ['ML23', bad('ml_category')],
    ['4', bad('ml_category')],
  ]);
  table('annex1_entry', [
    ['5A002.a', '5A002.a'],
    ['3a001.B.4', '3A001.b.4'],
    ['1C010', '1C010'],
    ['6A003.b.4.b', '6A003.b.4.b'],
    ['1C350.19', '1C350.19'],
    ['5F002', bad('annex1_entry')],
    ['5A02', bad('annex1_entry')],
    ['A5002', bad('annex1_entry')],
    ['5A002.', bad('annex1_entry')],
    ['5A002..a', bad('annex1_entry')],
    ['5A002 a', bad('annex1_entry')],
    [`5A002${'.a'.repeat(13)}`, bad('annex1_entry')],
  ]);
  table('yes_no', [
    ['yes', 'yes'],
    ['NO', 'no'],
    ['ja', bad('yes_no')],
    ['true', bad('yes_no')],
  ]);
  table(
    'select',
    [
      ['government', 'government'],
      ['Government', bad('option')],
      ['other ', 'other'],
    ],
    {
      options: ['government', 'armed_forces', 'industry', 'other'],
    },
  );
  it('refuses every select value when the field has no options', () => {
    expect(parseFieldValue(spec('select'), 'x', 'sv')).toEqual({ ok: false, problem: 'option' });
  });

  it('has the 249 officially assigned country codes, each with a name in both languages', () => {
    expect(COUNTRY_CODES).toHaveLength(249);
    expect(new Set(COUNTRY_CODES).size).toBe(249);
    const strict = new Intl.DisplayNames('en', { type: 'region', fallback: 'none' });
    expect(COUNTRY_CODES.filter((c) => strict.of(c) === undefined)).toEqual([]);
    expect(countryName('SE', 'sv')).toBe('Sverige');
    expect(countryName('SE', 'en')).toBe('Sweden');
    expect(countryName('XK', 'en')).toBe('XK');
  });
  it('sorts country options by name in the language', () => {
    for (const lang of LANGS) {
      const names = countryOptions(lang).map((o) => o.name);
      expect(names).toHaveLength(249);
      expect([...names].sort((a, b) => a.localeCompare(b, lang))).toEqual(names);
    }
    const sv = countryOptions('sv').map((o) => o.code);
    expect(sv.indexOf('AT')).toBeGreaterThan(sv.indexOf('ZA')); // Österrike after Sydafrika
  });
  it('offers common currencies first, then the rest by code', () => {
    const codes = currencyOptions('sv').map((o) => o.code);
    expect(codes.slice(0, 8)).toEqual(['SEK', 'EUR', 'USD', 'GBP', 'NOK', 'DKK', 'CHF', 'JPY']);
    const rest = codes.slice(8);
    expect(rest).toEqual([...rest].sort());
    expect(new Set(codes).size).toBe(codes.length);
    expect(currencyOptions('en')[0]).toEqual({ code: 'SEK', name: 'Swedish Krona' });
  });
  it('names ML1–ML22 shortly in both languages', () => {
    for (const lang of LANGS) {
      const list = mlCategories(lang);
      expect(list.map((c) => c.code)).toEqual(Array.from({ length: 22 }, (_, i) => `ML${i + 1}`));
      for (const { name } of list) {
        expect(name.length).toBeGreaterThan(0);
        expect(name.length).toBeLessThanOrEqual(80);
      }
    }
    expect(mlCategories('en')[3]?.name).toMatch(/^Bombs, torpedoes, rockets, missiles/);
  });
});

describe('messages', () => {
  const problems: FieldProblem[] = [
    'required',
    'too_long',
    'control_chars',
    'email',
    'phone',
    'orgnr_format',
    'orgnr_check_digit',
    'orgnr_not_legal_person',
    'date_format',
    'date_invalid',
    'date_range',
    'integer',
    'integer_range',
    'amount_format',
    'amount_decimals',
    'amount_range',
    'currency',
    'country',
    'ml_category',
    'annex1_entry',
    'yes_no',
    'option',
  ];
  it('has a message for every problem in both languages, in the shared catalogs', () => {
    for (const problem of problems) {
      const key = problemMessageKey(problem);
      expect(key in formatsSv && key in formatsEn, key).toBe(true);
      for (const lang of LANGS) {
        const text = format(messages(lang), key, problemMessageParams(spec('integer'), problem, lang));
        expect(text, `${lang} ${key}`).not.toMatch(/undefined|NaN/);
      }
    }
    expect(format(messages('sv'), 'field.error.required')).toBe('Fyll i fältet.');
  });
  it('fills in limits from the spec', () => {
    const t = messages('sv');
    expect(
      format(t, problemMessageKey('too_long'), problemMessageParams(spec('textarea'), 'too_long', 'sv')),
    ).toBe('Texten är för lång. Skriv högst 5000 tecken.');
    const range = problemMessageParams(spec('integer', { min: 1, max: 5000 }), 'integer_range', 'en');
    expect(format(messages('en'), problemMessageKey('integer_range'), range)).toBe(
      'Please enter a number between 1 and 5,000.',
    );
    const dates = problemMessageParams(spec('date', { minDate: '2025-01-01' }), 'date_range', 'sv');
    expect(format(t, problemMessageKey('date_range'), dates)).toBe('Datumet måste vara tidigast 2025-01-01.');
  });
});

// --- properties -----------------------------------------------------------------------

/** Characters that exercise normalisation: spaces of all kinds, line ends, accents, controls. */
const tricky = fc.constantFrom(
  'a',
  'Z',
  'å',
  'e',
  '\u0301',
  'Å',
  '\u212b',
  ' ',
  '  ',
  '\u00a0',
  '\u202f',
  '\u2003',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '\u2028',
  '\u0000',
  '\u0085',
  '\u202e',
  '\ud800',
  '😀',
  '.',
  ',',
  '-',
  '+',
  '(',
  ')',
  '@',
  '0',
  '1',
  '5',
  '9',
  '<',
  '>',
  "'",
  '"',
  ';',
);
const trickyString = fc.string({ unit: tricky, maxLength: 40 });
const digits = (min: number, max: number) =>
  fc.string({
    unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'),
    minLength: min,
    maxLength: max,
  });
const sep = fc.constantFrom('', ' ', '-', ' - ', '\u00a0');

const inputs: Record<FieldType, fc.Arbitrary<string>> = {
  text: fc.oneof(trickyString, fc.string({ unit: 'binary', maxLength: 60 })),
  textarea: fc.oneof(trickyString, fc.string({ unit: 'binary', maxLength: 60 })),
  email: fc.oneof(
    fc.emailAddress(),
    trickyString,
    fc.emailAddress().map((e) => ` ${e.toUpperCase()} `),
  ),
  phone: fc.oneof(
    fc
      .tuple(fc.constantFrom('0', '+46', '+46 (0)', '0046', '+1 ', '+358', '00', '+', ''), sep, digits(1, 16))
      .map(([prefix, s, d]) => `${prefix}${s}${d.slice(0, 3)}${s}${d.slice(3)}`),
    trickyString,
  ),
  orgnr: fc.oneof(
    fc
      .tuple(fc.constantFrom('', '16'), digits(6, 6), sep, digits(4, 4))
      .map(([p, a, s, b]) => `${p}${a}${s}${b}`),
    fc.constantFrom('556677-8899', '802400-1235'),
  ),
  date: fc.oneof(
    fc
      .date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
    fc.tuple(digits(4, 4), digits(2, 2), digits(2, 2)).map(([y, m, d]) => `${y}-${m}-${d}`),
  ),
  integer: fc.oneof(
    fc
      .integer({ min: 0, max: 2e9 })
      .chain((n) =>
        fc.constantFrom(String(n), n.toLocaleString('sv-SE'), n.toLocaleString('en-GB'), `00${n}`),
      ),
    trickyString,
  ),
  amount: fc.oneof(
    fc
      .tuple(digits(1, 16), fc.constantFrom('', ',', '.'), digits(0, 3), fc.constantFrom(' ', ',', '.', ''))
      .map(([i, d, f, g]) => `${i.replace(/\B(?=(\d{3})+$)/g, g)}${d}${f}`),
    trickyString,
  ),
  currency: fc.oneof(fc.constantFrom('SEK', 'eur', 'Usd', 'XXX', 'XYZ'), fc.string({ maxLength: 4 })),
  country: fc.oneof(
    fc.constantFrom(...COUNTRY_CODES).map((c) => c.toLowerCase()),
    fc.string({ maxLength: 3 }),
  ),
  ml_category: fc
    .tuple(fc.constantFrom('ML', 'ml', 'Ml '), fc.integer({ min: 0, max: 30 }))
    .map(([p, n]) => `${p}${n}`),
  annex1_entry: fc
    .tuple(
      digits(1, 1),
      fc.constantFrom('A', 'b', 'E', 'F'),
      digits(3, 3),
      fc.array(fc.oneof(fc.constantFrom('a', 'B', 'aa'), digits(1, 3)), { maxLength: 6 }),
    )
    .map(([c, g, n, subs]) => `${c}${g}${n}${subs.map((s) => `.${s}`).join('')}`),
  yes_no: fc.constantFrom('yes', 'no', 'YES', ' No ', 'ja', ''),
  select: fc.constantFrom('a', 'b', ' a ', 'c', 'A'),
};

describe('properties', () => {
  it.each(Object.keys(inputs) as FieldType[])(
    '%s: the canonical value parses to itself, in both languages',
    (type) => {
      const s = spec(type, { options: ['a', 'b'] });
      fc.assert(
        fc.property(inputs[type], fc.constantFrom(...LANGS), (raw, lang) => {
          const first = parseFieldValue(s, raw, lang);
          if (!first.ok) return;
          for (const again of LANGS) expect(parseFieldValue(s, first.value, again)).toEqual(first);
        }),
        { numRuns: 500 },
      );
    },
  );

  it('never throws, whatever the type and input', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(inputs) as FieldType[])),
        fc.oneof(fc.string({ unit: 'binary' }), trickyString),
        fc.constantFrom(...LANGS),
        (type, raw, lang) => {
          parseFieldValue(spec(type), raw, lang);
        },
      ),
    );
  });

  it('an amount survives formatAmount → parse in both languages', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.constantFrom(...LANGS), (cents, lang) => {
        const canonical = `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
        expect(parseFieldValue(spec('amount'), formatAmountNumber(canonical, lang), lang)).toEqual({
          ok: true,
          value: canonical,
        });
        const shown = formatAmount(canonical, 'SEK', lang).replace('SEK', '');
        expect(parseFieldValue(spec('amount'), shown, lang)).toEqual({ ok: true, value: canonical });
      }),
    );
  });

  it('accepted text never holds control or bidi characters', () => {
    fc.assert(
      fc.property(fc.oneof(trickyString, fc.string({ unit: 'binary' })), fc.boolean(), (raw, multiline) => {
        const r = parseFieldValue(spec(multiline ? 'textarea' : 'text'), raw, 'sv');
        if (!r.ok) return;
        // \p{Cc}: C0 and C1 controls and DEL; \p{Cs}: unpaired surrogates.
        const forbidden = multiline
          ? /[^\n\t\P{Cc}]|\p{Cs}|[\u202a-\u202e\u2066-\u2069]/u
          : /\p{Cc}|\p{Cs}|[\u202a-\u202e\u2066-\u2069]/u;
        expect(r.value).not.toMatch(forbidden);
        expect(r.value).toBe(r.value.normalize('NFC'));
      }),
    );
  });
});
