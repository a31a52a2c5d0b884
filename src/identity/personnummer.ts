/**
 * Swedish personal identity numbers (personnummer) and co-ordination numbers
 * (samordningsnummer), per Skatteverket's rules (see shared/reference/eid-cards.md §3):
 * YYMMDD + three-digit birth number (001–999) + a Luhn check digit over the 10-digit form;
 * co-ordination numbers add 60 to the day. The canonical form everywhere in Kundwebben is
 * 12 digits, YYYYMMDDNNNC.
 *
 * Written here rather than wrapping the `personnummer` package because the century of a
 * 10-digit number depends on "today" and the `+` separator: that must come from our Clock,
 * not from the library's hidden `new Date()`.
 */

export type PersonalNumberKind = 'personnummer' | 'samordningsnummer';

export interface PersonalNumber {
  /** Canonical 12 digits, YYYYMMDDNNNC. */
  readonly value: string;
  readonly kind: PersonalNumberKind;
  /** The birth date (for samordningsnummer, the day minus 60), YYYY-MM-DD. */
  readonly birthDate: string;
}

export type PersonalNumberProblem = 'format' | 'date' | 'birth_number' | 'check_digit';

export type ParseResult<T, P> = { ok: true; value: T } | { ok: false; problem: P };

/** Luhn (modulus 10 with weights 2,1,2,1… from the left) check digit of a digit string. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

const PATTERN = /^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$/;

function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Parses a personnummer or samordningsnummer in any of the shapes people type
 * (`YYYYMMDDNNNC`, `YYYYMMDD-NNNC`, `YYMMDD-NNNC`, `YYMMDD+NNNC`, `YYMMDDNNNC`, with spaces).
 * `today` decides the century of a 10-digit number (a `+` means 100 years or older).
 */
export function parsePersonalNumber(
  input: string,
  today: Date = new Date(),
): ParseResult<PersonalNumber, PersonalNumberProblem> {
  const compact = input.trim().replace(/\s+/g, '').replace(/^(\d{6,8})\s*([-+])?/, '$1$2');
  const m = PATTERN.exec(compact);
  if (!m) return { ok: false, problem: 'format' };
  const [, century, yy, mm, dd, sep, birthNumber, check] = m as unknown as [
    string,
    string | undefined,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (century !== undefined && sep === '+') return { ok: false, problem: 'format' };
  const month = Number(mm);
  let day = Number(dd);
  let kind: PersonalNumberKind = 'personnummer';
  if (day > 60) {
    day -= 60;
    kind = 'samordningsnummer';
  }
  const thisYear = today.getUTCFullYear();
  let fullYear: number;
  if (century !== undefined) {
    if (!['18', '19', '20'].includes(century)) return { ok: false, problem: 'date' };
    fullYear = Number(century + yy);
  } else {
    // The latest such birthday on or before today: someone of 99 born in December types
    // the same YY as a baby born this year, and is 100 years older (found by fuzzing).
    fullYear = thisYear - ((thisYear - Number(yy)) % 100 + 100) % 100;
    if (Date.UTC(fullYear, month - 1, day) > today.getTime()) fullYear -= 100;
    if (sep === '+') fullYear -= 100;
  }
  if (!isValidDate(fullYear, month, day)) return { ok: false, problem: 'date' };
  const birth = new Date(Date.UTC(fullYear, month - 1, day));
  if (birth.getTime() > today.getTime()) return { ok: false, problem: 'date' };
  if (birthNumber === '000') return { ok: false, problem: 'birth_number' };
  const tenDigits = `${yy}${mm}${dd}${birthNumber}`;
  if (luhnCheckDigit(tenDigits) !== Number(check)) return { ok: false, problem: 'check_digit' };
  const value = `${String(fullYear).slice(0, 2)}${tenDigits}${check}`;
  const birthDate = `${String(fullYear).padStart(4, '0')}-${mm}-${String(day).padStart(2, '0')}`;
  return { ok: true, value: { value, kind, birthDate } };
}

/** True for a canonical 12-digit number that parses (what the database stores). */
export function isCanonicalPersonalNumber(value: string): boolean {
  if (!/^\d{12}$/.test(value)) return false;
  const parsed = parsePersonalNumber(value, new Date(8.64e15));
  return parsed.ok && parsed.value.value === value;
}

/** YYYYMMDD-NNNC, how the portal shows a number to its owner. */
export function formatPersonalNumber(canonical: string): string {
  return `${canonical.slice(0, 8)}-${canonical.slice(8)}`;
}

/** YYYYMMDD-XXXX: what lists and logs may show about someone else. */
export function maskPersonalNumber(canonical: string): string {
  return `${canonical.slice(0, 8)}-XXXX`;
}
