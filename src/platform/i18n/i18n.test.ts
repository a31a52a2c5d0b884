import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { format, langFromAcceptLanguage, messages } from './index.js';
import { sv } from './sv.js';

describe('message catalogs', () => {
  it('English covers exactly the Swedish keys, with the same kind of entry and no empty text', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(sv).sort());
    for (const key of Object.keys(sv) as (keyof typeof sv)[]) {
      expect(typeof en[key], key).toBe(typeof sv[key]);
      if (typeof en[key] === 'string') expect((en[key]).trim(), key).not.toBe('');
    }
  });

  it('formats entries with and without parameters', () => {
    expect(format(messages('sv'), 'import.line', { line: 3, message: 'x' })).toBe('Rad 3: x');
    expect(format(messages('en'), 'error.title')).toBe('Something went wrong');
  });

  it('chooses the language from Accept-Language, Swedish unless English is preferred', () => {
    expect(langFromAcceptLanguage(undefined)).toBe('sv');
    expect(langFromAcceptLanguage('en-US,en;q=0.9')).toBe('en');
    expect(langFromAcceptLanguage('de-DE,en;q=0.5')).toBe('en');
    expect(langFromAcceptLanguage('fi, sv;q=0.8, en;q=0.9')).toBe('en');
    expect(langFromAcceptLanguage('fr, de')).toBe('sv');
    expect(langFromAcceptLanguage('en;q=0')).toBe('sv');
  });
});
