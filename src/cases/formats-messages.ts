/**
 * Messages for the field formats of case forms (`formats.ts`) and attachment checks
 * (`file-types.ts`): one per problem, saying what is wrong and how to fix it. Spread into
 * the catalogs in `platform/i18n/sv.ts` and `en.ts`.
 */
import type { CatalogOf } from '../platform/i18n/catalog.js';

/** "från 1 till 10", "tidigast 2025-01-01", "senast …" for the range messages. */
function svRange(p: { min: string; max: string }): string {
  if (p.min && p.max) return `från ${p.min} till ${p.max}`;
  return p.min ? `tidigast ${p.min}` : `senast ${p.max}`;
}

function enRange(p: { min: string; max: string }): string {
  if (p.min && p.max) return `between ${p.min} and ${p.max}`;
  return p.min ? `${p.min} or later` : `${p.max} or earlier`;
}

export const formatsSv = {
  'field.error.required': 'Fyll i fältet.',
  'field.error.too_long': (p: { max: number }) => `Texten är för lång. Skriv högst ${p.max} tecken.`,
  'field.error.control_chars':
    'Texten innehåller osynliga styrtecken som inte kan sparas. Skriv texten själv i stället för att klistra in den, eller ta bort tecknen.',
  'field.error.email': 'Skriv en e-postadress i formen namn@exempel.se.',
  'field.error.phone':
    'Skriv telefonnumret med riktnummer, till exempel 08-123 456 78, eller med landsnummer, till exempel +46 8 123 456 78.',
  'field.error.orgnr_format': 'Skriv organisationsnumret med tio siffror i formen NNNNNN-NNNN.',
  'field.error.orgnr_check_digit': 'Organisationsnumret är inte giltigt: kontrollsiffran stämmer inte.',
  'field.error.orgnr_not_legal_person':
    'Numret är inte en juridisk persons organisationsnummer. Skriv organisationens nummer, inte ett personnummer.',
  'field.error.date_format': 'Skriv datumet i formen ÅÅÅÅ-MM-DD, till exempel 2025-03-31.',
  'field.error.date_invalid': 'Datumet finns inte. Kontrollera månad och dag.',
  'field.error.date_range': (p: { min: string; max: string }) => `Datumet måste vara ${svRange(p)}.`,
  'field.error.integer': 'Skriv ett heltal med siffror, till exempel 250.',
  'field.error.integer_range': (p: { min: string; max: string }) => `Skriv ett tal ${svRange(p)}.`,
  'field.error.amount_format': 'Skriv beloppet med siffror, till exempel 12 500,00.',
  'field.error.amount_decimals':
    'Skriv beloppet med högst två decimaler efter decimalkommat, till exempel 12 500,50.',
  'field.error.amount_range': (p: { min: string; max: string }) => `Beloppet måste vara ${svRange(p)}.`,
  'field.error.currency': 'Välj en valuta i listan.',
  'field.error.country': 'Välj ett land i listan.',
  'field.error.ml_category': 'Välj en kategori i EU:s gemensamma förteckning över krigsmateriel, ML1–ML22.',
  'field.error.annex1_entry':
    'Skriv en post i bilaga I till förordning (EU) 2021/821, till exempel 5A002.a eller 3A001.b.4.',
  'field.error.yes_no': 'Svara ja eller nej.',
  'field.error.option': 'Välj ett av alternativen.',

  'attachment.error.empty': 'Filen är tom. Kontrollera att du har valt rätt fil.',
  'attachment.error.too_large': (p: { maxMb: number }) =>
    `Filen är för stor. En bilaga får vara högst ${p.maxMb} MB. Dela upp filen eller gör den mindre, till exempel genom att spara bilder med lägre upplösning.`,
  'attachment.error.type_not_allowed': (p: { types: string }) =>
    `Den här filtypen kan inte bifogas. Tillåtna filtyper är ${p.types}. Spara filen i någon av dem, till exempel som PDF.`,
  'attachment.error.content_mismatch':
    'Filens innehåll stämmer inte med filändelsen i namnet. Öppna filen i programmet den gjordes i, spara den i rätt format, till exempel som PDF, och försök igen.',
  'attachment.error.name_invalid':
    'Filnamnet kan inte användas. Ge filen ett namn med en filändelse, till exempel avtal.pdf, och försök igen.',
};

export const formatsEn = {
  'field.error.required': 'Please fill in this field.',
  'field.error.too_long': (p: { max: number }) =>
    `The text is too long. Please use at most ${p.max} characters.`,
  'field.error.control_chars':
    'The text contains invisible control characters that cannot be saved. Please type the text instead of pasting it, or remove those characters.',
  'field.error.email': 'Please enter an email address in the form name@example.com.',
  'field.error.phone':
    'Please enter the phone number with its area code, for example 08-123 456 78, or with its country code, for example +46 8 123 456 78.',
  'field.error.orgnr_format': 'Please enter the organisation number as ten digits in the form NNNNNN-NNNN.',
  'field.error.orgnr_check_digit': 'The organisation number is not valid: the check digit does not match.',
  'field.error.orgnr_not_legal_person':
    "This is not a legal person's organisation number. Please enter the organisation's number, not a personal identity number.",
  'field.error.date_format': 'Please enter the date in the form YYYY-MM-DD, for example 2025-03-31.',
  'field.error.date_invalid': 'This date does not exist. Please check the month and day.',
  'field.error.date_range': (p: { min: string; max: string }) => `The date must be ${enRange(p)}.`,
  'field.error.integer': 'Please enter a whole number in digits, for example 250.',
  'field.error.integer_range': (p: { min: string; max: string }) => `Please enter a number ${enRange(p)}.`,
  'field.error.amount_format': 'Please enter the amount in digits, for example 12,500.00.',
  'field.error.amount_decimals': 'Please enter the amount with at most two decimals, for example 12,500.50.',
  'field.error.amount_range': (p: { min: string; max: string }) => `The amount must be ${enRange(p)}.`,
  'field.error.currency': 'Please choose a currency from the list.',
  'field.error.country': 'Please choose a country from the list.',
  'field.error.ml_category': 'Please choose a category of the EU Common Military List, ML1–ML22.',
  'field.error.annex1_entry':
    'Please enter an entry of Annex I to Regulation (EU) 2021/821, for example 5A002.a or 3A001.b.4.',
  'field.error.yes_no': 'Please answer yes or no.',
  'field.error.option': 'Please choose one of the options.',

  'attachment.error.empty': 'The file is empty. Please check that you chose the right file.',
  'attachment.error.too_large': (p: { maxMb: number }) =>
    `The file is too large. An attachment may be at most ${p.maxMb} MB. Please split the file or make it smaller, for example by saving images at a lower resolution.`,
  'attachment.error.type_not_allowed': (p: { types: string }) =>
    `This type of file cannot be attached. Allowed file types are ${p.types}. Please save the file as one of them, for example as PDF.`,
  'attachment.error.content_mismatch':
    "The file's content does not match the file extension in its name. Please open the file in the program that made it, save it in the right format, for example as PDF, and try again.",
  'attachment.error.name_invalid':
    'The file name cannot be used. Please give the file a name with a file extension, for example contract.pdf, and try again.',
} satisfies CatalogOf<typeof formatsSv>;

declare module '../platform/i18n/index.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds this feature's keys
  interface MessageCatalog extends CatalogOf<typeof formatsSv> {}
}
