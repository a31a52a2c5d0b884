/**
 * Typed message catalogs: Swedish first (the source), English complete. `Lang` is the
 * closed set of languages; anything else is an error the user sees in their language.
 */
import { en } from './en.js';
import { sv, type MessageKey, type Messages } from './sv.js';

export type { MessageKey, Messages };
export const LANGS = ['sv', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'sv';

const CATALOGS: Readonly<Record<Lang, Messages>> = { sv, en };

/** A message as text: calls the entry with `params` when it takes any. */
export function format(t: Messages, key: MessageKey, params: Record<string, string | number> = {}): string {
  const entry = t[key] as string | ((p: Record<string, string | number>) => string);
  return typeof entry === 'function' ? entry(params) : entry;
}

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

export function messages(lang: Lang): Messages {
  return CATALOGS[lang];
}

/** Picks sv or en from an Accept-Language header; Swedish unless English is preferred. */
export function langFromAcceptLanguage(header: string | undefined): Lang {
  if (!header) return DEFAULT_LANG;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())?.[1]).find(Boolean);
      return { primary: tag.split('-')[0] ?? '', q: q === undefined ? 1 : Number(q) };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { primary } of ranked) if (isLang(primary)) return primary;
  return DEFAULT_LANG;
}
