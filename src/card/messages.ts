/**
 * The card feature's texts, Swedish first (the source) and English. Joined into the
 * catalogs by the composition (src/messages.ts); the keys join the typed catalog below.
 */
import type { CatalogOf } from '../platform/i18n/catalog.js';

export const cardSv = {
  'card.title': 'Logga in med ID-kort',
  'card.lead': (p: { method: string }) => `Du loggar in med ${p.method}.`,
  'card.before': 'Innan du fortsätter',
  'card.step1': 'Sätt in ditt ID-kort i kortläsaren.',
  'card.step2': 'Kontrollera att Net iD Client är installerat och igång på datorn.',
  'card.step3': 'När webbläsaren frågar efter ett certifikat: välj certifikatet för legitimering (inloggning), inte det för underskrift.',
  'card.step4': 'Skriv din PIN-kod när Net iD Client ber om den.',
  'card.continue': 'Fortsätt till inloggning med ID-kort',
  'card.newWindowNote': 'Inloggningen sker på en separat säker adress hos oss. Därefter kommer du tillbaka hit.',
  'card.failed.title': 'Inloggningen med ID-kort misslyckades',
  'card.retry': 'Försök igen',
  'card.otherMethod': 'Välj ett annat inloggningssätt',
  'card.demo.title': 'Demo: inget kort i datorn?',
  'card.demo.lead': 'I demoläget kan du logga in med ett av demokorten utan kortläsare. Den simulerade Net iD Client visar kortet för vår inloggningsadress med kortets riktiga certifikat och nyckel.',
  'card.demo.link': 'Använd ett demokort',
  'card.error.no_certificate':
    'Inget certifikat från ett ID-kort kom fram. Kontrollera att kortet sitter i kortläsaren och att Net iD Client är igång, och välj certifikatet för legitimering när webbläsaren frågar.',
  'card.error.too_large': 'Certifikatet från ditt ID-kort kunde inte läsas.',
  'card.error.malformed_certificate': 'Certifikatet från ditt ID-kort kunde inte läsas.',
  'card.error.self_signed': 'Certifikatet är inte utfärdat av en utfärdare som Kundwebben godtar.',
  'card.error.unknown_issuer':
    'ID-kortet är inte utfärdat av Telia eller AB Svenska Pass (Skatteverket) och kan inte användas för att logga in i Kundwebben.',
  'card.error.issuer_not_enabled': 'Inloggning med den här typen av ID-kort är inte införd ännu. Se tidplanen i Kundwebbinfo.',
  'card.error.not_yet_valid': 'Certifikatet på ditt ID-kort gäller inte ännu. Försök igen senare.',
  'card.error.expired':
    'Ditt ID-kort har gått ut. Ansök om ett nytt ID-kort hos Skatteverket, eller logga in med BankID om det är infört.',
  'card.error.signing_certificate_for_login':
    'Du valde certifikatet för underskrift. Försök igen och välj certifikatet för legitimering (inloggning).',
  'card.error.wrong_key_usage': 'Certifikatet kan inte användas för inloggning.',
  'card.error.policy_not_accepted': 'Certifikatet är inte av en typ som Kundwebben godtar för inloggning.',
  'card.error.no_personnummer': 'Certifikatet innehåller inget personnummer.',
  'card.error.invalid_personnummer': 'Certifikatet innehåller inget giltigt personnummer eller samordningsnummer.',
  'card.error.revoked': 'Ditt ID-kort är spärrat och kan inte användas. Kontakta utfärdaren om du inte känner till spärren.',
  'card.error.ocsp_unknown': 'Utfärdaren känner inte till certifikatet på ditt ID-kort, så det kan inte användas.',
  'card.error.ocsp_unavailable':
    'Vi kan just nu inte kontrollera hos utfärdaren att ditt ID-kort inte är spärrat, och släpper därför inte in någon med kortet. Försök igen om en stund.',
  'card.error.untrusted_forwarded_certificate': 'Inloggningen kom inte via Kundwebbens säkra anslutning för ID-kort.',
  'card.error.ticket_invalid':
    'Inloggningen kunde inte slutföras: den hade gått ut, redan använts eller startats i en annan webbläsare. Börja om från inloggningssidan.',
  'card.error.bad_request': 'Inloggningen med ID-kort startades inte från Kundwebben. Börja om från inloggningssidan.',

  'card.expiry.title': 'Ditt ID-kort går snart ut',
  'card.expiry.titleExpired': 'Ditt ID-kort har gått ut',
  'card.expiry.when': (p: { method: string; date: string }) => `Certifikatet på ditt ${p.method} gäller till och med ${p.date}.`,
  'card.expiry.beforeNext': (p: { method: string; when: string }) =>
    `Det är innan inloggning med ${p.method} införs (${p.when}).`,
  'card.expiry.useBankId': 'Du kan logga in med BankID i stället. Då behöver du varken ID-kort eller kortläsare.',
  'card.expiry.bankIdPlanned': (p: { when: string }) => `Inloggning med BankID planeras ${p.when}.`,
  'card.expiry.applySkatteverket': 'Om du vill fortsätta logga in med ID-kort kan du redan nu ansöka om ID-kort från Skatteverket.',
  'card.expiry.renewSkatteverket': 'Ansök om ett nytt ID-kort hos Skatteverket i god tid.',
  'card.expiry.more': 'Läs mer i Kundwebbinfo',
};

export const cardEn = {
  'card.title': 'Log in with ID card',
  'card.lead': (p: { method: string }) => `You are logging in with ${p.method}.`,
  'card.before': 'Before you continue',
  'card.step1': 'Insert your ID card in the card reader.',
  'card.step2': 'Make sure Net iD Client is installed and running on the computer.',
  'card.step3': 'When the browser asks for a certificate, choose the one for identification (login), not the one for signing.',
  'card.step4': 'Enter your PIN when Net iD Client asks for it.',
  'card.continue': 'Continue to login with ID card',
  'card.newWindowNote': 'The login happens at a separate secure address of ours. You then come back here.',
  'card.failed.title': 'Login with ID card failed',
  'card.retry': 'Try again',
  'card.otherMethod': 'Choose another login option',
  'card.demo.title': 'Demo: no card in this computer?',
  'card.demo.lead': "In demo mode you can log in with one of the demo cards without a card reader. The simulated Net iD Client presents the card to our login address with the card's real certificate and key.",
  'card.demo.link': 'Use a demo card',
  'card.error.no_certificate':
    'No certificate from an ID card arrived. Check that the card is in the reader and that Net iD Client is running, and choose the identification certificate when the browser asks.',
  'card.error.too_large': 'The certificate from your ID card could not be read.',
  'card.error.malformed_certificate': 'The certificate from your ID card could not be read.',
  'card.error.self_signed': 'The certificate is not issued by an issuer that Kundwebben accepts.',
  'card.error.unknown_issuer':
    'The ID card is not issued by Telia or AB Svenska Pass (Skatteverket) and cannot be used to log in to Kundwebben.',
  'card.error.issuer_not_enabled': 'Login with this kind of ID card has not been introduced yet. See the timetable in Kundwebbinfo.',
  'card.error.not_yet_valid': 'The certificate on your ID card is not valid yet. Try again later.',
  'card.error.expired': 'Your ID card has expired. Apply for a new ID card from Skatteverket, or log in with BankID if it has been introduced.',
  'card.error.signing_certificate_for_login':
    'You chose the signing certificate. Try again and choose the certificate for identification (login).',
  'card.error.wrong_key_usage': 'The certificate cannot be used for login.',
  'card.error.policy_not_accepted': 'The certificate is not of a kind Kundwebben accepts for login.',
  'card.error.no_personnummer': 'The certificate contains no personal identity number.',
  'card.error.invalid_personnummer': 'The certificate contains no valid personal identity or co-ordination number.',
  'card.error.revoked': 'Your ID card is revoked and cannot be used. Contact the issuer if you do not know why.',
  'card.error.ocsp_unknown': 'The issuer does not know the certificate on your ID card, so it cannot be used.',
  'card.error.ocsp_unavailable':
    'We cannot check with the issuer right now that your ID card is not revoked, so we let nobody in with the card. Try again in a while.',
  'card.error.untrusted_forwarded_certificate': "The login did not come through Kundwebben's secure connection for ID cards.",
  'card.error.ticket_invalid':
    'The login could not be completed: it had expired, was already used or was started in another browser. Start again from the login page.',
  'card.error.bad_request': 'The ID card login was not started from Kundwebben. Start again from the login page.',

  'card.expiry.title': 'Your ID card expires soon',
  'card.expiry.titleExpired': 'Your ID card has expired',
  'card.expiry.when': (p: { method: string; date: string }) => `The certificate on your ${p.method} is valid until ${p.date}.`,
  'card.expiry.beforeNext': (p: { method: string; when: string }) =>
    `That is before login with ${p.method} is introduced (${p.when}).`,
  'card.expiry.useBankId': 'You can log in with BankID instead. Then you need neither an ID card nor a card reader.',
  'card.expiry.bankIdPlanned': (p: { when: string }) => `Login with BankID is planned ${p.when}.`,
  'card.expiry.applySkatteverket': 'If you want to keep logging in with an ID card, you can already now apply for an ID card from Skatteverket.',
  'card.expiry.renewSkatteverket': 'Apply for a new ID card from Skatteverket in good time.',
  'card.expiry.more': 'Read more in Kundwebbinfo',
} satisfies CatalogOf<typeof cardSv>;

declare module '../platform/i18n/index.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds this feature's keys
  interface MessageCatalog extends CatalogOf<typeof cardSv> {}
}
