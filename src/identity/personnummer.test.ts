import { describe, expect, it } from 'vitest';
import { formatPersonalNumber, isCanonicalPersonalNumber, luhnCheckDigit, maskPersonalNumber, parsePersonalNumber } from './personnummer.js';

const today = new Date('2026-11-28T12:00:00Z');

describe('parsePersonalNumber', () => {
  it.each([
    ['19121212-1212', '191212121212'],
    ['191212121212', '191212121212'],
    ['121212+1212', '191212121212'],
    ['19811228-9874', '198112289874'],
    ['811228-9874', '198112289874'],
    ['8112289874', '198112289874'],
    [' 19811228 9874 ', '198112289874'],
  ])('accepts %s as %s', (input, canonical) => {
    const r = parsePersonalNumber(input, today);
    expect(r).toMatchObject({ ok: true, value: { value: canonical, kind: 'personnummer' } });
  });

  it('infers the century of a 10-digit number from today and the separator', () => {
    expect(parsePersonalNumber('121212-1212', today)).toMatchObject({ value: { value: '201212121212' } });
    expect(parsePersonalNumber('121212+1212', today)).toMatchObject({ value: { value: '191212121212' } });
  });

  it('recognises a samordningsnummer (day + 60) and gives the real birth date', () => {
    const r = parsePersonalNumber('19701063-2391', today);
    expect(r).toEqual({ ok: true, value: { value: '197010632391', kind: 'samordningsnummer', birthDate: '1970-10-03' } });
  });

  it.each([
    ['', 'format'],
    ['abc', 'format'],
    ['19121212-121', 'format'],
    ['19121212+1212', 'format'],
    ['19121212-1213', 'check_digit'],
    ['19121312-1212', 'date'],
    ['19120230-0000', 'date'],
    ['20991212-1212', 'date'],
    ['17121212-1212', 'date'],
    ['19121212-0002', 'birth_number'],
  ])('refuses %s (%s)', (input, problem) => {
    expect(parsePersonalNumber(input, today)).toEqual({ ok: false, problem });
  });

  it('computes Luhn check digits over the 10-digit form', () => {
    expect(luhnCheckDigit('121212121')).toBe(2);
    expect(luhnCheckDigit('811228987')).toBe(4);
  });

  it('formats, masks and recognises canonical numbers', () => {
    expect(formatPersonalNumber('191212121212')).toBe('19121212-1212');
    expect(maskPersonalNumber('191212121212')).toBe('19121212-XXXX');
    expect(isCanonicalPersonalNumber('191212121212')).toBe(true);
    expect(isCanonicalPersonalNumber('19121212-1212')).toBe(false);
    expect(isCanonicalPersonalNumber('191212121213')).toBe(false);
  });
});
