/**
 * Typed message catalogs: Swedish first (the source), English complete. `Lang` is the
 * closed set of languages; anything else is an error the user sees in their language.
 */
import type { CatalogOf } from './catalog.js';
import { en } from './en.js';
import { sv } from './sv.js';

export const LANGS = ['sv', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'sv';

/**
 * Every key of the one catalog per language. The platform's own keys come from sv.ts; each
 * feature adds its keys to this interface in its own messages module (declaration merging,
 * `declare module '../platform/i18n/index.js' { interface MessageCatalog extends
 * CatalogOf<typeof featureSv> {} }`) and its texts through `addMessages`, which the
 * composition (src/messages.ts) calls. So the platform names no feature, and a key is
 * still checked wherever it is used.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- features extend it
export interface MessageCatalog extends CatalogOf<typeof sv> {}
export type Messages = MessageCatalog;
export type MessageKey = keyof Messages;

/**
 * The keys whose entry is a plain text (no parameters): `t[key]` is then a `string`, with
 * no cast. A template-literal key (`` `error.${code}` `` for a code of a closed union) is
 * checked against it, so a code without its text fails typecheck.
 */
export type TextKey = { [K in MessageKey]: Messages[K] extends string ? K : never }[MessageKey];

type Texts = Record<string, unknown>;
const CATALOGS: Readonly<Record<Lang, Texts>> = { sv: { ...sv }, en: { ...en } };

/**
 * Adds a feature's texts in both languages. A key another catalog defines differently is a
 * programming error (thrown at start); adding the same catalog again changes nothing.
 */
export function addMessages(feature: string, catalogs: Readonly<Record<Lang, Texts>>): void {
  for (const lang of LANGS) {
    for (const [key, value] of Object.entries(catalogs[lang])) {
      if (key in CATALOGS[lang] && CATALOGS[lang][key] !== value) throw new Error(`message key "${key}" (${feature}, ${lang}) is defined twice`);
    }
  }
  for (const lang of LANGS) Object.assign(CATALOGS[lang], catalogs[lang]);
}

/** A message as text: calls the entry with `params` when it takes any. */
export function format(t: Messages, key: MessageKey, params: Record<string, string | number> = {}): string {
  const entry = t[key] as string | ((p: Record<string, string | number>) => string);
  return typeof entry === 'function' ? entry(params) : entry;
}

/**
 * A key made at run time from stored data (a check's name, a method id read from the
 * database), if the catalog holds a plain text under it; undefined otherwise.
 */
export function textKey(t: Messages, key: string): TextKey | undefined {
  return isTextKey(t, key) ? key : undefined;
}

function isTextKey(t: Messages, key: string): key is TextKey {
  return typeof (t as unknown as Record<string, unknown>)[key] === 'string';
}

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

export function messages(lang: Lang): Messages {
  return CATALOGS[lang] as unknown as Messages;
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
