/**
 * Fuzzing the organisation-number parser. Invariants: it never throws; whatever it accepts
 * is ten digits with a third digit of at least 2 and a valid Luhn check digit, and is what
 * was typed (give or take the 16 prefix, hyphens and spaces); every valid number is
 * accepted in each of its shapes; format → parse is the identity.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { charOf, fuzzRuns, mutatedText } from '../../test/support/fuzz.js';
import { formatOrgnr, parseOrgnr } from '../accounts/orgnr.js';
import { luhnCheckDigit } from '../identity/personnummer.js';

const RUNS = fuzzRuns();

/** A valid organisation number: nine digits (the third 2–9) and their Luhn check digit. */
const validOrgnrArb = fc
  .tuple(fc.string({ unit: charOf('0123456789'), minLength: 2, maxLength: 2 }), fc.integer({ min: 2, max: 9 }), fc.string({ unit: charOf('0123456789'), minLength: 6, maxLength: 6 }))
  .map(([head, third, tail]) => {
    const nine = `${head}${third}${tail}`;
    return `${nine}${luhnCheckDigit(nine)}`;
  });

function shapesOf(orgnr: string): string[] {
  const dashed = formatOrgnr(orgnr);
  return [orgnr, dashed, `16${orgnr}`, `16${dashed}`, ` ${dashed} `, `${orgnr.slice(0, 6)} ${orgnr.slice(6)}`, `16 ${dashed}`];
}

function expectSound(input: string) {
  const r = parseOrgnr(input);
  if (!r.ok) {
    expect(['format', 'not_legal_person', 'check_digit']).toContain(r.problem);
    return;
  }
  expect(r.value).toMatch(/^\d{2}[2-9]\d{7}$/);
  expect(luhnCheckDigit(r.value.slice(0, 9))).toBe(Number(r.value[9]));
  const typed = input.replace(/[\s-]/g, '');
  expect([r.value, `16${r.value}`]).toContain(typed);
}

describe('parseOrgnr under fuzzing', () => {
  it('never throws, and whatever it accepts is sound (any string)', () => {
    const near = fc.string({ unit: fc.oneof({ arbitrary: charOf('0123456789'), weight: 6 }, charOf('- ')), maxLength: 14 });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-ascii' }), near), (input) => expectSound(input)),
      { numRuns: RUNS },
    );
  });

  it('accepts every valid number in each of its shapes; format → parse is the identity', () => {
    fc.assert(
      fc.property(validOrgnrArb, (orgnr) => {
        for (const shape of shapesOf(orgnr)) expect(parseOrgnr(shape), shape).toEqual({ ok: true, value: orgnr });
        expect(parseOrgnr(formatOrgnr(orgnr))).toEqual({ ok: true, value: orgnr });
      }),
      { numRuns: RUNS },
    );
  });

  it('a typo in a valid number is refused or is another sound number', () => {
    const typo = validOrgnrArb.chain((o) => fc.constantFrom(...shapesOf(o)).chain((s) => mutatedText(s, fc.string({ unit: charOf('0123456789- '), maxLength: 2 }))));
    fc.assert(
      fc.property(typo, (input) => expectSound(input)),
      { numRuns: RUNS },
    );
  });

  it('one changed digit is always caught by the check digit (or the legal-person digit)', () => {
    fc.assert(
      fc.property(validOrgnrArb, fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), (orgnr, at, delta) => {
        const changed = orgnr.slice(0, at) + String((Number(orgnr[at]) + delta) % 10) + orgnr.slice(at + 1);
        expect(parseOrgnr(changed).ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });
});
