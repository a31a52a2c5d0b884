/**
 * The field formats of case forms: parsing, validation and normalisation of what a browser
 * form sent, per field type. Forms are data (`FieldSpec`); this module is pure.
 *
 * A normalised value is canonical: it becomes part of the signed canonical document of a
 * case, so the same meaning must always give the same string, and parsing a canonical value
 * again gives it back unchanged.
 */
import { parseOrgnr } from '../accounts/orgnr.js';
import type { formatsSv } from './formats-messages.js';

export type FieldType =
  | 'text'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'orgnr'
  | 'date'
  | 'integer'
  | 'amount'
  | 'currency'
  | 'country'
  | 'ml_category'
  | 'annex1_entry'
  | 'yes_no'
  | 'select';

export type FieldProblem =
  | 'required'
  | 'too_long'
  | 'control_chars'
  | 'email'
  | 'phone'
  | 'orgnr_format'
  | 'orgnr_check_digit'
  | 'orgnr_not_legal_person'
  | 'date_format'
  | 'date_invalid'
  | 'date_range'
  | 'integer'
  | 'integer_range'
  | 'amount_format'
  | 'amount_decimals'
  | 'amount_range'
  | 'currency'
  | 'country'
  | 'ml_category'
  | 'annex1_entry'
  | 'yes_no'
  | 'option';

export interface FieldSpec {
  type: FieldType;
  required: boolean;
  /** text/textarea: maximum length in Unicode code points (defaults 200 and 5000). */
  maxLength?: number;
  /** integer/amount bounds (integer defaults 1..1e9, amount 0..1e13). */
  min?: number;
  max?: number;
  /** select: the allowed values. */
  options?: readonly string[];
  /** date bounds, ISO YYYY-MM-DD, inclusive. */
  minDate?: string;
  maxDate?: string;
}

export type FieldResult = { ok: true; value: string } | { ok: false; problem: FieldProblem };

export type Lang = 'sv' | 'en';

const LOCALE: Readonly<Record<Lang, string>> = { sv: 'sv-SE', en: 'en-GB' };

export const DEFAULT_TEXT_MAX_LENGTH = 200;
export const DEFAULT_TEXTAREA_MAX_LENGTH = 5000;
export const DEFAULT_INTEGER_MIN = 1;
export const DEFAULT_INTEGER_MAX = 1e9;
export const DEFAULT_AMOUNT_MIN = 0;
export const DEFAULT_AMOUNT_MAX = 1e13;
/** Longer input for a non-text field is refused as malformed before any parsing. */
const MAX_FORMATTED_INPUT = 256;

const fail = (problem: FieldProblem): FieldResult => ({ ok: false, problem });
const ok = (value: string): FieldResult => ({ ok: true, value });

/**
 * Parses one field value as sent by a browser form (`undefined` when the field was absent)
 * into its canonical string. Empty (after trimming) is `required` for required fields and
 * `''` otherwise. `lang` decides ambiguous amounts and integers (see `parseAmount`).
 */
export function parseFieldValue(spec: FieldSpec, raw: string | undefined, lang: Lang): FieldResult {
  const trimmed = (raw ?? '').trim();
  if (trimmed === '') return spec.required ? fail('required') : ok('');
  switch (spec.type) {
    case 'text':
      return parseText(trimmed, spec.maxLength ?? DEFAULT_TEXT_MAX_LENGTH);
    case 'textarea':
      return parseTextarea(trimmed, spec.maxLength ?? DEFAULT_TEXTAREA_MAX_LENGTH);
    case 'email':
      return parseEmail(trimmed);
    case 'phone':
      return parsePhone(trimmed);
    case 'orgnr':
      return parseOrgnrField(trimmed);
    case 'date':
      return parseDate(trimmed, spec.minDate, spec.maxDate);
    case 'integer':
      return parseInteger(trimmed, spec.min ?? DEFAULT_INTEGER_MIN, spec.max ?? DEFAULT_INTEGER_MAX, lang);
    case 'amount':
      return parseAmount(trimmed, spec.min ?? DEFAULT_AMOUNT_MIN, spec.max ?? DEFAULT_AMOUNT_MAX, lang);
    case 'currency':
      return parseCurrency(trimmed);
    case 'country':
      return parseCountry(trimmed);
    case 'ml_category':
      return parseMlCategory(trimmed);
    case 'annex1_entry':
      return parseAnnex1Entry(trimmed);
    case 'yes_no': {
      const lower = trimmed.toLowerCase();
      return lower === 'yes' || lower === 'no' ? ok(lower) : fail('yes_no');
    }
    case 'select':
      return spec.options?.includes(trimmed) ? ok(trimmed) : fail('option');
  }
}

// --- text -----------------------------------------------------------------------------

/**
 * True when `text` holds a character that must not be stored: C0/C1 controls and DEL
 * (except LF and TAB when `multiline`), unpaired surrogates, and the bidi embedding,
 * override and isolate controls U+202A–U+202E and U+2066–U+2069, which can make text
 * display differently from what it says ("Trojan Source", CVE-2021-42574).
 */
export function hasForbiddenChars(text: string, multiline: boolean): boolean {
  for (const char of text) {
    const cp = char.codePointAt(0) ?? 0;
    if (cp < 0x20) {
      if (multiline && (cp === 0x0a || cp === 0x09)) continue;
      return true;
    }
    if (cp >= 0x7f && cp <= 0x9f) return true;
    if (cp >= 0xd800 && cp <= 0xdfff) return true; // for..of yields a surrogate alone only when unpaired
    if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) return true;
  }
  return false;
}

function codePointLength(text: string): number {
  return Array.from(text).length;
}

function parseText(trimmed: string, maxLength: number): FieldResult {
  if (hasForbiddenChars(trimmed, false)) return fail('control_chars');
  const value = trimmed.normalize('NFC').replace(/\s+/g, ' ').trim();
  return codePointLength(value) > maxLength ? fail('too_long') : ok(value);
}

function parseTextarea(trimmed: string, maxLength: number): FieldResult {
  const lf = trimmed.replace(/\r\n?|[\u2028\u2029]/g, '\n');
  if (hasForbiddenChars(lf, true)) return fail('control_chars');
  const value = lf
    .normalize('NFC')
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .join('\n')
    .trim();
  return codePointLength(value) > maxLength ? fail('too_long') : ok(value);
}

// --- email, phone, orgnr --------------------------------------------------------------

const EMAIL_LOCAL = /^[^\s@<>()[\]\\,;:"]+$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

/** A sane address, not RFC 5322 in full: one @, no spaces or quotes, a dotted domain. */
function parseEmail(trimmed: string): FieldResult {
  if (trimmed.length > 254 || hasForbiddenChars(trimmed, false)) return fail('email');
  const parts = trimmed.normalize('NFC').split('@');
  if (parts.length !== 2) return fail('email');
  const [local = '', rawDomain = ''] = parts;
  const domain = rawDomain.toLowerCase();
  if (local.length > 64 || !EMAIL_LOCAL.test(local)) return fail('email');
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return fail('email');
  const labels = domain.split('.');
  const tld = labels.at(-1) ?? '';
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l)) || !/^\p{L}{2,}$/u.test(tld)) {
    return fail('email');
  }
  const value = `${local}@${domain}`;
  return value.length > 254 ? fail('email') : ok(value);
}

/**
 * Phone numbers in E.164 form: `+` and 7–15 digits. Input may use spaces, dashes and
 * parentheses; `00` is the international prefix; a number starting with a single 0 is
 * Swedish (trunk prefix) and becomes +46 without the 0, as does "+46 (0)8…".
 * A number without +, 00 or 0 is refused: its country would be a guess.
 */
function parsePhone(trimmed: string): FieldResult {
  if (trimmed.length > MAX_FORMATTED_INPUT || !/^\+?[\d\s\-()]+$/.test(trimmed)) return fail('phone');
  const digits = trimmed.replace(/\D/g, '');
  let international: string;
  if (trimmed.startsWith('+')) international = digits;
  else if (digits.startsWith('00')) international = digits.slice(2);
  else if (digits.startsWith('0')) international = `46${digits.slice(1)}`;
  else return fail('phone');
  if (international.startsWith('460')) international = `46${international.slice(3)}`;
  // A Swedish number never starts with 0 after the trunk prefix is gone.
  if (!/^[1-9]\d{6,14}$/.test(international) || international.startsWith('460')) return fail('phone');
  return ok(`+${international}`);
}

function parseOrgnrField(trimmed: string): FieldResult {
  const result = parseOrgnr(trimmed);
  if (result.ok) return ok(result.value);
  switch (result.problem) {
    case 'format':
      return fail('orgnr_format');
    case 'check_digit':
      return fail('orgnr_check_digit');
    case 'not_legal_person':
      return fail('orgnr_not_legal_person');
  }
}

// --- date, integer, amount ------------------------------------------------------------

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** ISO 8601 calendar date `YYYY-MM-DD` only; bounds are inclusive ISO dates. */
function parseDate(trimmed: string, minDate: string | undefined, maxDate: string | undefined): FieldResult {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  if (!m) return fail('date_format');
  const [, y = '', mo = '', d = ''] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    return fail('date_invalid');
  // ISO dates of four-digit years compare as strings.
  if ((minDate !== undefined && trimmed < minDate) || (maxDate !== undefined && trimmed > maxDate)) {
    return fail('date_range');
  }
  return ok(trimmed);
}

/** Spaces a user or Intl.NumberFormat may put between digit groups. */
const GROUP_SPACES = /[\u00a0\u2009\u202f]/g;

/** `value` within bounds given in units of 1/`scale` (integers: 1, amounts: cents). */
function inRange(value: bigint, min: number, max: number, scale: 1 | 100): boolean {
  const bound = (n: number, round: (x: number) => number) =>
    Number.isFinite(n) ? BigInt(scale === 1 ? round(n) : Math.round(n * 100)) : undefined;
  const lo = bound(min, Math.ceil);
  const hi = bound(max, Math.floor);
  return (lo === undefined || value >= lo) && (hi === undefined || value <= hi);
}

function stripLeadingZeros(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

/**
 * Integers: digits, optionally grouped by three with spaces; in English also with commas
 * ("1,000"). In Swedish a comma is a decimal comma, so "1,000" is not an integer there.
 */
function parseInteger(trimmed: string, min: number, max: number, lang: Lang): FieldResult {
  if (trimmed.length > MAX_FORMATTED_INPUT) return fail('integer');
  const s = trimmed.replace(GROUP_SPACES, ' ');
  const grouped = /^[1-9]\d{0,2}( \d{3})+$/.test(s) || (lang === 'en' && /^[1-9]\d{0,2}(,\d{3})+$/.test(s));
  if (!grouped && !/^\d+$/.test(s)) return fail('integer');
  const digits = stripLeadingZeros(s.replace(/\D/g, ''));
  return inRange(BigInt(digits), min, max, 1) ? ok(digits) : fail('integer_range');
}

/**
 * Amounts of money, never negative, at most two decimals, canonical "1234567.50".
 *
 * Separators: spaces (also no-break and thin spaces), commas and dots. Only one kind may
 * group thousands, and groups must then be of three digits.
 * - Both comma and dot: the last one is the decimal separator and occurs once
 *   ("1,234,567.50", "1.234.567,50").
 * - Several commas, or several dots: they group thousands ("1,234,567").
 * - A single dot is a decimal point ("1234.50", and "1.234" has three decimals).
 * - A single comma is a decimal comma ("1234,5"), except in the ambiguous case of
 *   1–3 digits (not starting with 0), a comma, three digits and nothing else ("1,234"): a decimal
 *   comma in Swedish (so three decimals: `amount_decimals`, and the user is asked to fix
 *   it) and a thousands separator in English (1234.00).
 */
function parseAmount(trimmed: string, min: number, max: number, lang: Lang): FieldResult {
  if (trimmed.length > MAX_FORMATTED_INPUT) return fail('amount_format');
  const s = trimmed.replace(GROUP_SPACES, ' ');
  if (!/^[\d ,.]+$/.test(s)) return fail('amount_format');
  const commas = s.split(',').length - 1;
  const dots = s.split('.').length - 1;
  let decimal: ',' | '.' | undefined;
  let group: ' ' | ',' | '.' | undefined;
  if (commas > 0 && dots > 0) {
    decimal = s.lastIndexOf(',') > s.lastIndexOf('.') ? ',' : '.';
    group = decimal === ',' ? '.' : ',';
    if ((decimal === ',' ? commas : dots) !== 1) return fail('amount_format');
  } else if (commas > 1) group = ',';
  else if (commas === 1) {
    if (lang === 'en' && /^[1-9]\d{0,2},\d{3}$/.test(s)) group = ',';
    else decimal = ',';
  } else if (dots > 1) group = '.';
  else if (dots === 1) decimal = '.';
  if (s.includes(' ')) {
    if (group !== undefined && group !== ' ') return fail('amount_format');
    group = ' ';
  }
  const [intPart = '', fracPart = ''] = decimal === undefined ? [s] : s.split(decimal);
  if (decimal !== undefined && !/^\d+$/.test(fracPart)) return fail('amount_format');
  const groupedInt = group === undefined ? /^\d+$/ : new RegExp(`^[1-9]\\d{0,2}(\\${group}\\d{3})*$`);
  if (!groupedInt.test(intPart)) return fail('amount_format');
  if (fracPart.length > 2) return fail('amount_decimals');
  const integer = stripLeadingZeros(intPart.replace(/\D/g, ''));
  const cents = fracPart.padEnd(2, '0');
  if (!inRange(BigInt(integer + cents), min, max, 100)) return fail('amount_range');
  return ok(`${integer}.${cents}`);
}

// --- lists: currency, country, ML, Annex I --------------------------------------------

let supportedCurrencies: ReadonlySet<string> | undefined;
function currencies(): ReadonlySet<string> {
  supportedCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  return supportedCurrencies;
}

function parseCurrency(trimmed: string): FieldResult {
  if (!/^[A-Za-z]{3}$/.test(trimmed)) return fail('currency');
  const code = trimmed.toUpperCase();
  return currencies().has(code) ? ok(code) : fail('currency');
}

/** The 249 officially assigned ISO 3166-1 alpha-2 codes (no user-assigned codes such as XK). */
export const COUNTRY_CODES: readonly string[] = `
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
DE DJ DK DM DO DZ
EC EE EG EH ER ES ET
FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
HK HM HN HR HT HU
ID IE IL IM IN IO IQ IR IS IT
JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ
LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
NA NC NE NF NG NI NL NO NP NR NU NZ
OM
PA PE PF PG PH PK PL PM PN PR PS PT PW PY
QA
RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
UA UG UM US UY UZ
VA VC VE VG VI VN VU
WF WS
YE YT
ZA ZM ZW`
  .trim()
  .split(/\s+/);

const COUNTRY_SET: ReadonlySet<string> = new Set(COUNTRY_CODES);

function parseCountry(trimmed: string): FieldResult {
  const code = trimmed.toUpperCase();
  return /^[A-Z]{2}$/.test(code) && COUNTRY_SET.has(code) ? ok(code) : fail('country');
}

/** "ML4", "ml4", "ML 4", "ML-04" → "ML4"; ML1–ML22. */
function parseMlCategory(trimmed: string): FieldResult {
  const m = /^ml[\s-]?(\d{1,2})$/i.exec(trimmed);
  const n = Number(m?.[1]);
  return m && n >= 1 && n <= 22 ? ok(`ML${n}`) : fail('ml_category');
}

const ANNEX1_ENTRY = /^([0-9])([A-E])(\d{3})((?:\.(?:[a-z]{1,2}|\d{1,3}))*)$/i;

/**
 * An entry of Annex I to Regulation (EU) 2021/821: category digit, product-group letter
 * A–E, three digits and optional sub-items of letters or digits ("5A002.a", "3A001.b.4",
 * "1C350.19"). Canonical: upper-case group letter, lower-case sub-item letters.
 */
function parseAnnex1Entry(trimmed: string): FieldResult {
  const m = ANNEX1_ENTRY.exec(trimmed);
  if (!m || trimmed.length > 30) return fail('annex1_entry');
  const [, category = '', group = '', number = '', subItems = ''] = m;
  return ok(`${category}${group.toUpperCase()}${number}${subItems.toLowerCase()}`);
}

// --- option lists and display ---------------------------------------------------------

export interface Option {
  code: string;
  name: string;
}

const displayNameCache = new Map<string, Intl.DisplayNames>();
function displayNames(lang: Lang, type: 'region' | 'currency'): Intl.DisplayNames {
  const key = `${lang}:${type}`;
  let names = displayNameCache.get(key);
  if (!names) {
    names = new Intl.DisplayNames(LOCALE[lang], { type, fallback: 'code' });
    displayNameCache.set(key, names);
  }
  return names;
}

/** The name of a country in the language; the code itself when it is not a known country. */
export function countryName(code: string, lang: Lang): string {
  if (!COUNTRY_SET.has(code)) return code;
  return displayNames(lang, 'region').of(code) ?? code;
}

/** All countries, sorted by name in the language. */
export function countryOptions(lang: Lang): Option[] {
  const collator = new Intl.Collator(LOCALE[lang]);
  return COUNTRY_CODES.map((code) => ({ code, name: countryName(code, lang) })).sort((a, b) =>
    collator.compare(a.name, b.name),
  );
}

/** Currencies offered first, in this order; the rest follow by code. */
export const COMMON_CURRENCIES: readonly string[] = ['SEK', 'EUR', 'USD', 'GBP', 'NOK', 'DKK', 'CHF', 'JPY'];

/** All ISO 4217 currencies Intl knows, the common ones first. */
export function currencyOptions(lang: Lang): Option[] {
  const names = displayNames(lang, 'currency');
  const rest = [...currencies()].filter((c) => !COMMON_CURRENCIES.includes(c)).sort();
  return [...COMMON_CURRENCIES.filter((c) => currencies().has(c)), ...rest].map((code) => ({
    code,
    name: names.of(code) ?? code,
  }));
}

/** Short headings of the EU Common Military List categories (abbreviated; ≤ 80 characters). */
const ML_NAMES: readonly (readonly [sv: string, en: string])[] = [
  [
    'Slätborrade vapen under 20 mm, andra handeldvapen och automatvapen högst 12,7 mm',
    'Smooth-bore weapons under 20 mm, other arms and automatic weapons up to 12.7 mm',
  ],
  [
    'Slätborrade vapen från 20 mm, andra vapen över 12,7 mm, kastare och tillbehör',
    'Smooth-bore weapons of 20 mm or more, other weapons over 12.7 mm, projectors',
  ],
  ['Ammunition och anordningar för inställning av tändrör', 'Ammunition and fuze setting devices'],
  [
    'Bomber, torpeder, raketer, robotar, andra sprängladdningar och laddningar',
    'Bombs, torpedoes, rockets, missiles, other explosive devices and charges',
  ],
  [
    'Eldlednings-, övervaknings- och varningsutrustning samt motmedel',
    'Fire control, surveillance and warning equipment, and countermeasures',
  ],
  ['Markfordon och komponenter', 'Ground vehicles and components'],
  [
    'Kemiska och biologiska agens, kravallbekämpningsmedel, radioaktiva ämnen',
    'Chemical and biological agents, riot control agents, radioactive materials',
  ],
  ['Energetiska material och relaterade ämnen', 'Energetic materials and related substances'],
  [
    'Örlogsfartyg (över eller under vattnet) och särskild marin utrustning',
    'Vessels of war (surface or underwater) and special naval equipment',
  ],
  [
    'Luftfartyg, obemannade luftfartyg, flygmotorer och flygutrustning',
    'Aircraft, unmanned aerial vehicles, aero-engines and aircraft equipment',
  ],
  [
    'Elektronisk utrustning och rymdfarkoster som inte anges på annat ställe',
    'Electronic equipment and spacecraft not specified elsewhere',
  ],
  ['Vapensystem för kinetisk energi med hög hastighet', 'High velocity kinetic energy weapon systems'],
  [
    'Pansar- eller skyddsutrustning, konstruktioner och komponenter',
    'Armoured or protective equipment, constructions and components',
  ],
  [
    'Utrustning för militär utbildning eller simulering av militära scenarier',
    'Equipment for military training or for simulating military scenarios',
  ],
  ['Utrustning för bildframställning eller motmedel', 'Imaging or countermeasure equipment'],
  ['Smide, gjutgods och andra halvfabrikat', 'Forgings, castings and other unfinished products'],
  ['Diverse utrustning, material och bibliotek', 'Miscellaneous equipment, materials and libraries'],
  [
    'Produktionsutrustning, miljötestanläggningar och komponenter',
    'Production equipment, environmental test facilities and components',
  ],
  [
    'Vapensystem med riktad energi (DEW), motmedel och testmodeller',
    'Directed energy weapon (DEW) systems, countermeasures and test models',
  ],
  ['Kryogen och supraledande utrustning', 'Cryogenic and superconductive equipment'],
  ['Programvara', 'Software'],
  ['Teknik', 'Technology'],
];

/** ML1–ML22 with a short name in the language. */
export function mlCategories(lang: Lang): Option[] {
  return ML_NAMES.map(([sv, en], i) => ({ code: `ML${i + 1}`, name: lang === 'sv' ? sv : en }));
}

function amountNumberFormat(lang: Lang, currency?: string): Intl.NumberFormat {
  const options: Intl.NumberFormatOptions = { minimumFractionDigits: 2, maximumFractionDigits: 2 };
  if (currency !== undefined)
    Object.assign(options, { style: 'currency', currency, currencyDisplay: 'code' });
  return new Intl.NumberFormat(LOCALE[lang], options);
}

/**
 * A canonical amount ("1234567.50") for an input field in the language ("1 234 567,50",
 * "1,234,567.50"); parsing it in the same language gives the canonical amount back.
 */
export function formatAmountNumber(canonical: string, lang: Lang): string {
  // A numeric string is formatted exactly (Intl.NumberFormat v3), without a detour via double.
  return amountNumberFormat(lang).format(canonical as Intl.StringNumericLiteral);
}

/** A canonical amount with its currency for display: "1 234 567,50 SEK", "SEK 1,234,567.50". */
export function formatAmount(canonical: string, currency: string, lang: Lang): string {
  return amountNumberFormat(lang, currency).format(canonical as Intl.StringNumericLiteral);
}

// --- messages -------------------------------------------------------------------------

export type FieldMessageKey = keyof typeof formatsSv & `field.error.${string}`;

/** The catalog key of a problem's message; the compiler checks every problem has one. */
export function problemMessageKey(problem: FieldProblem): FieldMessageKey {
  const key: `field.error.${FieldProblem}` = `field.error.${problem}`;
  return key;
}

/** The parameters of a problem's message, taken from the field's spec. */
export function problemMessageParams(
  spec: FieldSpec,
  problem: FieldProblem,
  lang: Lang,
): Record<string, string | number> {
  switch (problem) {
    case 'too_long':
      return {
        max:
          spec.maxLength ??
          (spec.type === 'textarea' ? DEFAULT_TEXTAREA_MAX_LENGTH : DEFAULT_TEXT_MAX_LENGTH),
      };
    case 'integer_range': {
      const nf = new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: 0 });
      return {
        min: nf.format(spec.min ?? DEFAULT_INTEGER_MIN),
        max: nf.format(spec.max ?? DEFAULT_INTEGER_MAX),
      };
    }
    case 'amount_range': {
      const nf = amountNumberFormat(lang);
      return {
        min: nf.format(spec.min ?? DEFAULT_AMOUNT_MIN),
        max: nf.format(spec.max ?? DEFAULT_AMOUNT_MAX),
      };
    }
    case 'date_range':
      return { min: spec.minDate ?? '', max: spec.maxDate ?? '' };
    default:
      return {};
  }
}
