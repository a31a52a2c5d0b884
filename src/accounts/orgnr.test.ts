import { describe, expect, it } from 'vitest';
import { formatOrgnr, parseOrgnr } from './orgnr.js';

describe('parseOrgnr', () => {
  it.each([
    ['556677-8899', '5566778899'],
    ['5566778899', '5566778899'],
    ['165566778899', '5566778899'],
    ['802400-1235', '8024001235'],
  ])('accepts %s', (input, canonical) => {
    expect(parseOrgnr(input)).toEqual({ ok: true, value: canonical });
  });
  it.each([
    ['556677-8898', 'check_digit'],
    ['5566', 'format'],
    ['191212-1212', 'not_legal_person'],
    ['55667788990', 'format'],
  ])('refuses %s (%s)', (input, problem) => {
    expect(parseOrgnr(input)).toEqual({ ok: false, problem });
  });
  it('formats', () => expect(formatOrgnr('5566778899')).toBe('556677-8899'));
});
