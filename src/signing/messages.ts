/**
 * The signing feature's texts, Swedish first (the source) and English. Joined into the
 * catalogs by the composition (src/messages.ts); the keys join the typed catalog below.
 */
import type { CatalogOf } from '../platform/i18n/catalog.js';

export const signingSv = {
  'sign.title': 'Underteckna',
  'sign.lead': 'Läs igenom det du ska underteckna. Din underskrift gäller exakt detta innehåll.',
  'sign.whatHeading': 'Det här undertecknar du',
  // The same checksum as in the text above, grouped as on the review page so the two can be compared.
  'sign.digest': 'Kontrollsumman i grupper om fyra tecken, att jämföra med det som din e-legitimation visar',
  'sign.methodsHeading': 'Välj hur du vill underteckna',
  'sign.withCard': 'Underteckna med ID-kort',
  'sign.cardNeeds': 'Kräver att ID-kortet är aktiverat för underskrift med en egen signeringskod i Net iD Client.',
  'sign.noMethod': 'Du kan inte underteckna just nu: inget underskriftssätt är tillgängligt för dig. Kontakta IT-supporten.',
  'sign.notFound': 'Underskriften finns inte eller har gått ut. Börja om från det du skulle underteckna.',
  'sign.error.digest_changed': 'Ärendet ändrades efter att du granskade det, så underskriften gäller inte längre innehållet. Inget har skickats in. Granska ärendet igen och underteckna på nytt.',
  'sign.back': 'Tillbaka utan att underteckna',
  'sign.evidenceLink': 'Visa och kontrollera underskriften',
  'sign.card.title': 'Underteckna med ID-kort',
  'sign.card.step1': 'Sätt in ditt ID-kort i kortläsaren.',
  'sign.card.step2': 'Öppna Net iD Client med knappen nedan. Kontrollera att texten och kontrollsumman är desamma som här.',
  'sign.card.step3': 'Välj certifikatet för underskrift och skriv din signeringskod (inte PIN-koden för inloggning).',
  'sign.card.open': 'Öppna Net iD Client och underteckna',
  'sign.card.check': 'Jag har undertecknat – visa resultatet',
  'sign.card.unavailable': 'Underskrift med ID-kort är inte tillgänglig just nu.',
  'sign.error.no_signing_certificate':
    'Ditt ID-kort har inget certifikat för underskrift som kan användas. Aktivera ID-kortet för underskrift: lås upp signering i Net iD Client och sätt en egen signeringskod. Läs mer i Kundwebbinfo.',
  'sign.error.not_a_signing_certificate':
    'Du undertecknade med certifikatet för inloggning. Välj certifikatet för underskrift. Om det saknas behöver du aktivera ID-kortet för underskrift i Net iD Client.',
  'sign.error.cancelled': 'Underskriften avbröts. Du kan försöka igen.',
  'sign.error.wrong_person': 'Underskriften gjordes med någon annans ID-kort. Du måste underteckna med ditt eget.',
  'sign.error.digest_mismatch':
    'Underskriften gäller inte det här innehållet (kontrollsumman stämmer inte). Inget har skickats in. Försök igen.',
  'sign.error.content_mismatch': 'Underskriften gäller inte det här innehållet. Inget har skickats in. Försök igen.',
  'sign.error.bad_signature': 'Underskriften kunde inte kontrolleras och har inte godtagits. Försök igen.',
  'sign.error.cms_malformed': 'Underskriften kunde inte läsas. Försök igen.',
  'sign.error.signer_certificate_missing': 'Underskriften saknade certifikat och kunde inte kontrolleras. Försök igen.',
  'sign.error.signing_time_invalid': 'Underskriftens tidpunkt är orimlig. Kontrollera datorns klocka och försök igen.',
  'sign.error.already_completed': 'Det här är redan undertecknat.',
  'sign.error.not_member': 'Du företräder inte längre organisationen som ärendet gäller, så underskriften har inte godtagits. Inget har skickats in. Kontakta organisationens administratör.',
  'sign.error.revoked':
    'Ditt ID-korts certifikat för underskrift är spärrat och kan inte användas. Inget har undertecknats. Kontakta utfärdaren av ditt ID-kort (Telia eller Skatteverket) om du inte känner till spärren.',
  'sign.error.unknown_issuer':
    'ID-kortet du undertecknade med är inte utfärdat av någon som vi godtar. Bara ID-kort från Telia och Skatteverkets ID-kort (AB Svenska Pass) kan användas. Inget har undertecknats.',
  'sign.error.ocsp_unavailable':
    'Vi kunde inte kontrollera hos utfärdaren att ditt ID-kort inte är spärrat, eftersom kontrollen inte gick att nå just nu. Inget har undertecknats. Försök igen om en stund.',
  'sign.error.other': 'Underskriften godtogs inte. Försök igen eller kontakta IT-supporten.',
  'evidence.title': 'Underskrift',
  'evidence.signer': 'Undertecknad av',
  'evidence.method': 'Sätt',
  'evidence.signedAt': 'Tidpunkt',
  'evidence.digest': 'Kontrollsumma (SHA-256)',
  'evidence.text': 'Text som visades',
  'evidence.result': 'Kontroll nu',
  'evidence.valid': 'Underskriften är giltig: signaturen, certifikatkedjan, spärrkontrollen och kontrollsumman stämmer.',
  'evidence.invalid': 'Underskriften kunde inte bekräftas.',
  'evidence.check.digest': 'Kontrollsumman stämmer med dokumentet',
  'evidence.check.signature': 'Signaturen stämmer',
  'evidence.check.chain': 'Certifikatet är utfärdat av en godkänd utfärdare',
  'evidence.check.certificate': 'Certifikatet gällde vid underskriften',
  'evidence.check.ocsp': 'Certifikatet var inte spärrat vid underskriften',
  'evidence.check.signer': 'Undertecknaren är rätt person',
  'evidence.check.timestamp': 'Tidsstämpeln stämmer: utfärdad av en godkänd tidsstämpeltjänst för just den här underskriften',
  'evidence.timestamp': 'Tidsstämpel',
  'evidence.timestamp.stamped': (p: { time: string }) => `Undertecknad senast ${p.time} (tidsstämpel)`,
  'evidence.timestamp.pending': 'Tidsstämpel väntar. Den hämtas från tidsstämpeltjänsten så snart den svarar. Underskriften gäller ändå.',
  'evidence.timestamp.invalid': 'Tidsstämpeln kunde inte bekräftas.',
  'evidence.yes': 'Ja',
  'evidence.no': 'Nej',

  'sign.method.bankid': 'BankID',
  'sign.method.card': 'ID-kort från Telia eller Skatteverket',
  'sign.bankid.thisDevice': 'Underteckna med BankID på den här enheten',
  'sign.bankid.otherDevice': 'Underteckna med Mobilt BankID på en annan enhet',
  'sign.bankIdNeeds': 'Du behöver BankID-appen. Du skriver under med din säkerhetskod.',
};

export const signingEn = {
  'sign.title': 'Sign',
  'sign.lead': 'Read through what you are about to sign. Your signature applies to exactly this content.',
  'sign.whatHeading': 'This is what you sign',
  'sign.digest': 'The checksum in groups of four characters, to compare with what your e-ID shows',
  'sign.methodsHeading': 'Choose how to sign',
  'sign.withCard': 'Sign with ID card',
  'sign.cardNeeds': 'Requires the ID card to be activated for signing with your own signing code in Net iD Client.',
  'sign.noMethod': 'You cannot sign right now: no signing method is available to you. Contact IT support.',
  'sign.notFound': 'The signature request does not exist or has expired. Start again from what you were going to sign.',
  'sign.error.digest_changed': 'The case changed after you reviewed it, so the signature no longer covers its content. Nothing has been submitted. Review the case again and sign anew.',
  'sign.back': 'Go back without signing',
  'sign.evidenceLink': 'Show and check the signature',
  'sign.card.title': 'Sign with ID card',
  'sign.card.step1': 'Insert your ID card in the card reader.',
  'sign.card.step2': 'Open Net iD Client with the button below. Check that the text and checksum are the same as here.',
  'sign.card.step3': 'Choose the signing certificate and enter your signing code (not the PIN you log in with).',
  'sign.card.open': 'Open Net iD Client and sign',
  'sign.card.check': 'I have signed – show the result',
  'sign.card.unavailable': 'Signing with ID card is not available right now.',
  'sign.error.no_signing_certificate':
    'Your ID card has no usable signing certificate. Activate the card for signing: unlock signing in Net iD Client and set your own signing code. Read more in Kundwebbinfo.',
  'sign.error.not_a_signing_certificate':
    'You signed with the login certificate. Choose the signing certificate. If it is missing, activate the ID card for signing in Net iD Client.',
  'sign.error.cancelled': 'The signing was cancelled. You can try again.',
  'sign.error.wrong_person': "The signature was made with someone else's ID card. You must sign with your own.",
  'sign.error.digest_mismatch':
    'The signature does not apply to this content (the checksum does not match). Nothing was submitted. Try again.',
  'sign.error.content_mismatch': 'The signature does not apply to this content. Nothing was submitted. Try again.',
  'sign.error.bad_signature': 'The signature could not be verified and was not accepted. Try again.',
  'sign.error.cms_malformed': 'The signature could not be read. Try again.',
  'sign.error.signer_certificate_missing': 'The signature carried no certificate and could not be verified. Try again.',
  'sign.error.signing_time_invalid': "The signature's time is implausible. Check the computer's clock and try again.",
  'sign.error.already_completed': 'This has already been signed.',
  'sign.error.not_member': 'You no longer represent the organisation this case belongs to, so the signature was not accepted. Nothing has been submitted. Contact your organisation’s administrator.',
  'sign.error.revoked':
    'The signing certificate on your ID card is revoked (blocked) and cannot be used. Nothing has been signed. Contact the issuer of your ID card (Telia or the Swedish Tax Agency) if you do not know why.',
  'sign.error.unknown_issuer':
    'The ID card you signed with is not from an issuer we accept. Only ID cards from Telia and the Swedish Tax Agency’s ID card (AB Svenska Pass) can be used. Nothing has been signed.',
  'sign.error.ocsp_unavailable':
    'We could not check with the issuer that your ID card is not revoked, because the check cannot be reached right now. Nothing has been signed. Try again in a while.',
  'sign.error.other': 'The signature was not accepted. Try again or contact IT support.',
  'evidence.title': 'Signature',
  'evidence.signer': 'Signed by',
  'evidence.method': 'Method',
  'evidence.signedAt': 'Time',
  'evidence.digest': 'Checksum (SHA-256)',
  'evidence.text': 'Text shown',
  'evidence.result': 'Check now',
  'evidence.valid': 'The signature is valid: the signature, certificate chain, revocation check and checksum all hold.',
  'evidence.invalid': 'The signature could not be confirmed.',
  'evidence.check.digest': 'The checksum matches the document',
  'evidence.check.signature': 'The signature holds',
  'evidence.check.chain': 'The certificate is issued by an accepted issuer',
  'evidence.check.certificate': 'The certificate was valid at signing',
  'evidence.check.ocsp': 'The certificate was not revoked at signing',
  'evidence.check.signer': 'The signer is the right person',
  'evidence.check.timestamp': 'The timestamp holds: issued by an accepted time-stamping authority for exactly this signature',
  'evidence.timestamp': 'Timestamp',
  'evidence.timestamp.stamped': (p: { time: string }) => `Signed no later than ${p.time} (timestamp)`,
  'evidence.timestamp.pending': 'Timestamp pending. It is fetched from the time-stamping authority as soon as it answers. The signature is valid all the same.',
  'evidence.timestamp.invalid': 'The timestamp could not be confirmed.',
  'evidence.yes': 'Yes',
  'evidence.no': 'No',

  'sign.method.bankid': 'BankID',
  'sign.method.card': 'ID card from Telia or Skatteverket',
  'sign.bankid.thisDevice': 'Sign with BankID on this device',
  'sign.bankid.otherDevice': 'Sign with Mobile BankID on another device',
  'sign.bankIdNeeds': 'You need the BankID app. You sign with your security code.',
} satisfies CatalogOf<typeof signingSv>;

declare module '../platform/i18n/index.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds this feature's keys
  interface MessageCatalog extends CatalogOf<typeof signingSv> {}
}
