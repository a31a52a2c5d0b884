import { describe, expect, it } from 'vitest';
import { addMessages, format, langFromAcceptLanguage, messages } from './index.js';

describe('message catalogs', () => {
  it('English covers exactly the Swedish keys of the composed catalog (platform and every feature), with the same kind of entry and no empty text', () => {
    const sv = messages('sv') as unknown as Record<string, unknown>;
    const en = messages('en') as unknown as Record<string, unknown>;
    expect(Object.keys(sv).length).toBeGreaterThan(800);
    expect(Object.keys(en).sort()).toEqual(Object.keys(sv).sort());
    for (const key of Object.keys(sv)) {
      expect(typeof en[key], key).toBe(typeof sv[key]);
      if (typeof en[key] === 'string') expect((en[key]).trim(), key).not.toBe('');
    }
    // Feature keys are there: the composition added them (src/messages.ts, via the test setup).
    expect(sv['cases.attachmentsTitle']).toBeDefined();
    expect(sv['admin.requests.title']).toBeDefined();
  });

  it('refuses a feature catalog that defines a key another one has, and takes the same catalog twice', () => {
    expect(() => addMessages('intruder', { sv: { 'error.title': 'Annat' }, en: { 'error.title': 'Other' } })).toThrow(/defined twice/);
    expect(messages('sv')['error.title']).not.toBe('Annat');
    const t = messages('sv');
    expect(() => addMessages('same', { sv: { 'error.title': t['error.title'] }, en: { 'error.title': messages('en')['error.title'] } })).not.toThrow();
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
