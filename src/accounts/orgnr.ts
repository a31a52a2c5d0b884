/**
 * Swedish organisation numbers (organisationsnummer): ten digits NNNNNN-NNNC with a Luhn
 * check digit; the third digit is at least 2 for legal persons (it is the "month" digit of
 * a personnummer for sole traders, who are not organisations in Kundwebben). The 12-digit
 * form with the prefix 16 is accepted. Canonical form: 10 digits.
 */
import { luhnCheckDigit, type ParseResult } from '../identity/personnummer.js';

export type OrgnrProblem = 'format' | 'not_legal_person' | 'check_digit';

export function parseOrgnr(input: string): ParseResult<string, OrgnrProblem> {
  const compact = input.trim().replace(/[\s-]/g, '');
  const m = /^(?:16)?(\d{10})$/.exec(compact);
  if (!m?.[1]) return { ok: false, problem: 'format' };
  const digits = m[1];
  if (Number(digits[2]) < 2) return { ok: false, problem: 'not_legal_person' };
  if (luhnCheckDigit(digits.slice(0, 9)) !== Number(digits[9])) return { ok: false, problem: 'check_digit' };
  return { ok: true, value: digits };
}

/** NNNNNN-NNNN */
export function formatOrgnr(canonical: string): string {
  return `${canonical.slice(0, 6)}-${canonical.slice(6)}`;
}
