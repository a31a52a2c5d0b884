/**
 * Types for message catalogs. A feature may keep its messages in its own module (a Swedish
 * object and an English one typed `CatalogOf<typeof featureSv>`); sv.ts and en.ts spread
 * them into the one catalog per language, so keys stay global and checked.
 */
export type Widen<T> = T extends (...args: infer A) => string ? (...args: A) => string : string;

/** The shape another language's catalog must have: the same keys, the same parameters. */
export type CatalogOf<T> = { readonly [K in keyof T]: Widen<T[K]> };
