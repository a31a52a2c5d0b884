/**
 * The fixed texts of the receipt PDF of a submitted case (kvitto). Spread into the one
 * catalog per language by sv.ts and en.ts, so `request.t` can be passed as the labels.
 */
import type { CatalogOf } from '../platform/i18n/catalog.js';

export const receiptSv = {
  'receipt.title': 'Kvitto på inskickat ärende',
  'receipt.documentTitle': (p: { caseNumber: string }) => `Kvitto på inskickat ärende ${p.caseNumber}`,
  'receipt.intro': (p: { siteName: string; agency: string }) =>
    `Ärendet har skickats in via ${p.siteName} och tagits emot av ${p.agency}. Spara kvittot som bekräftelse på vad som skickades in och när.`,
  'receipt.heading.case': 'Ärende',
  'receipt.heading.details': 'Uppgifter',
  'receipt.heading.attachments': 'Bilagor',
  'receipt.heading.signature': 'Underskrift',
  'receipt.caseNumber': 'Ärendenummer',
  'receipt.caseType': 'Ärendetyp',
  'receipt.organisation': 'Organisation',
  'receipt.orgnr': 'Organisationsnummer',
  'receipt.submittedAt': 'Inskickat',
  'receipt.section.empty': 'Inga uppgifter har lämnats i den här delen.',
  'receipt.attachments.none': 'Inga bilagor',
  'receipt.attachment.details': (p: { mediaType: string; size: string }) =>
    `Filtyp ${p.mediaType}, storlek ${p.size}`,
  'receipt.attachment.sha256': 'SHA-256',
  'receipt.signedBy': 'Undertecknat av',
  'receipt.signerId': 'Personnummer',
  'receipt.eid': 'E-legitimation',
  'receipt.signedAt': 'Tidpunkt',
  'receipt.digest': 'Kontrollsumma (SHA-256) för det undertecknade dokumentet',
  'receipt.verify': 'Kontrollera underskriften',
  'receipt.digest.explanation':
    'Kontrollsumman identifierar exakt det dokument som undertecknades: minsta ändring i dokumentet ger en annan kontrollsumma. Underskriften kan kontrolleras på nytt på adressen under ”Kontrollera underskriften”.',
  'receipt.page': (p: { page: number; pages: number }) => `Sida ${p.page} av ${p.pages}`,
  // The seal's signature dictionary: what a PDF reader's signature panel shows.
  'receipt.seal.reason': (p: { caseNumber: string }) => `Kvitto på inskickat ärende ${p.caseNumber}, förseglat med myndighetens e-sigill`,
  'receipt.seal.location': 'Sverige',
};

export const receiptEn = {
  'receipt.title': 'Receipt for submitted case',
  'receipt.documentTitle': (p: { caseNumber: string }) => `Receipt for submitted case ${p.caseNumber}`,
  'receipt.intro': (p: { siteName: string; agency: string }) =>
    `The case was submitted through ${p.siteName} and received by ${p.agency}. Keep this receipt as confirmation of what was submitted and when.`,
  'receipt.heading.case': 'Case',
  'receipt.heading.details': 'Details',
  'receipt.heading.attachments': 'Attachments',
  'receipt.heading.signature': 'Signature',
  'receipt.caseNumber': 'Case number',
  'receipt.caseType': 'Case type',
  'receipt.organisation': 'Organisation',
  'receipt.orgnr': 'Corporate identity number',
  'receipt.submittedAt': 'Submitted',
  'receipt.section.empty': 'No details were given in this part.',
  'receipt.attachments.none': 'No attachments',
  'receipt.attachment.details': (p: { mediaType: string; size: string }) =>
    `File type ${p.mediaType}, size ${p.size}`,
  'receipt.attachment.sha256': 'SHA-256',
  'receipt.signedBy': 'Signed by',
  'receipt.signerId': 'Personal identity number',
  'receipt.eid': 'Electronic identification',
  'receipt.signedAt': 'Time',
  'receipt.digest': 'Checksum (SHA-256) of the signed document',
  'receipt.verify': 'Verify the signature',
  'receipt.digest.explanation':
    'The checksum identifies exactly the document that was signed: the smallest change to the document gives a different checksum. The signature can be verified again at the address under “Verify the signature”.',
  'receipt.page': (p: { page: number; pages: number }) => `Page ${p.page} of ${p.pages}`,
  'receipt.seal.reason': (p: { caseNumber: string }) => `Receipt for submitted case ${p.caseNumber}, sealed with the agency's electronic seal`,
  'receipt.seal.location': 'Sweden',
} satisfies CatalogOf<typeof receiptSv>;

/** The labels the receipt needs; the full catalog of a request (`request.t`) is one. */
export type ReceiptLabels = CatalogOf<typeof receiptSv>;

declare module '../platform/i18n/index.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds this feature's keys
  interface MessageCatalog extends CatalogOf<typeof receiptSv> {}
}
