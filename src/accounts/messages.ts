/**
 * The accounts feature's texts, Swedish first (the source) and English. Joined into the
 * catalogs by the composition (src/messages.ts); the keys join the typed catalog below.
 */
import type { CatalogOf } from '../platform/i18n/catalog.js';

export const accountsSv = {
  'import.error.header': (p: { expected: string }) => `Rubrikraden ska innehålla kolumnerna ${p.expected}.`,
  'import.error.columns': (p: { expected: number; got: number }) => `Raden har ${p.got} fält, ska ha ${p.expected}.`,
  'import.error.name': 'Namn saknas.',
  'import.error.personnummer': (p: { value: string }) => `Ogiltigt personnummer eller samordningsnummer: ”${p.value}”.`,
  'import.error.email': (p: { value: string }) => `Ogiltig e-postadress: ”${p.value}”.`,
  'import.error.phone': (p: { value: string }) => `Ogiltigt telefonnummer: ”${p.value}”.`,
  'import.error.orgnr': (p: { value: string }) => `Ogiltigt organisationsnummer: ”${p.value}”.`,
  'import.error.unknownOrg': (p: { value: string }) => `Organisationen ${p.value} finns inte i Kundwebben.`,
  'import.error.role': (p: { value: string }) => `Okänd roll ”${p.value}”: ska vara user eller org_admin.`,
  'import.error.duplicate': (p: { line: number }) => `Samma person och organisation finns redan på rad ${p.line}.`,
  'import.error.conflict': (p: { line: number }) =>
    `Samma personnummer har ett annat namn, e-post eller telefon på rad ${p.line}.`,
  'import.error.quote': 'Citattecken är inte avslutat.',
  'import.error.empty': 'Filen innehåller inga användare.',
  'import.line': (p: { line: number; message: string }) => `Rad ${p.line}: ${p.message}`,
  'import.refused': (p: { count: number }) => `${p.count} fel hittades. Inget har importerats.`,
  'import.done': (p: { persons: number; memberships: number }) =>
    `Importen klar: ${p.persons} ${p.persons === 1 ? 'person' : 'personer'} och ${p.memberships} ${p.memberships === 1 ? 'koppling' : 'kopplingar'} till organisationer.`,
};

export const accountsEn = {
  'import.error.header': (p: { expected: string }) => `The header row must contain the columns ${p.expected}.`,
  'import.error.columns': (p: { expected: number; got: number }) => `The row has ${p.got} fields, it should have ${p.expected}.`,
  'import.error.name': 'Name is missing.',
  'import.error.personnummer': (p: { value: string }) => `Invalid personal identity or co-ordination number: “${p.value}”.`,
  'import.error.email': (p: { value: string }) => `Invalid e-mail address: “${p.value}”.`,
  'import.error.phone': (p: { value: string }) => `Invalid phone number: “${p.value}”.`,
  'import.error.orgnr': (p: { value: string }) => `Invalid organisation number: “${p.value}”.`,
  'import.error.unknownOrg': (p: { value: string }) => `The organisation ${p.value} does not exist in Kundwebben.`,
  'import.error.role': (p: { value: string }) => `Unknown role “${p.value}”: must be user or org_admin.`,
  'import.error.duplicate': (p: { line: number }) => `The same person and organisation are already on line ${p.line}.`,
  'import.error.conflict': (p: { line: number }) =>
    `The same personal identity number has a different name, e-mail or phone on line ${p.line}.`,
  'import.error.quote': 'A quotation mark is not closed.',
  'import.error.empty': 'The file contains no users.',
  'import.line': (p: { line: number; message: string }) => `Line ${p.line}: ${p.message}`,
  'import.refused': (p: { count: number }) => `${p.count} errors found. Nothing was imported.`,
  'import.done': (p: { persons: number; memberships: number }) =>
    `Import complete: ${p.persons} ${p.persons === 1 ? 'person' : 'people'} and ${p.memberships} organisation ${p.memberships === 1 ? 'membership' : 'memberships'}.`,
} satisfies CatalogOf<typeof accountsSv>;

declare module '../platform/i18n/index.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds this feature's keys
  interface MessageCatalog extends CatalogOf<typeof accountsSv> {}
}
