/**
 * The self-test's texts ("Testa din e-legitimation"), Swedish first (the source) and
 * English. Joined into the catalogs by the composition (src/messages.ts).
 */
import type { CatalogOf } from '../platform/i18n/catalog.js';

export const selftestSv = {
  'selftest.link': 'Testa din e-legitimation',
  'selftest.title': 'Testa din e-legitimation',
  'selftest.lead':
    'Här kan du i förväg se om ditt ID-kort eller ditt BankID fungerar i Kundwebben, och vad du behöver göra om det inte gör det. Testet loggar inte in dig, och du behöver inget konto.',
  'selftest.privacy':
    'Vi sparar inte resultatet. Vi noterar bara att ett test gjordes, med vilket sätt och hur det gick, utan ditt personnummer.',
  'selftest.cancelled': 'Testet avbröts. Du kan börja om när du vill.',

  'selftest.card.heading': 'Testa ID-kortet',
  'selftest.card.intro':
    'Sätt i ID-kortet i kortläsaren. Webbläsaren frågar vilket certifikat du vill använda: välj certifikatet för legitimering (inte det för underskrift). Net iD Client ber om din PIN-kod för legitimering.',
  'selftest.card.start': 'Testa inloggning med ID-kort',
  'selftest.card.demo': 'Demo: inget kort i datorn? Testa med ett av demokorten, som den simulerade Net iD Client visar upp med kortets riktiga certifikat.',
  'selftest.card.loginOk': 'Certifikatet för legitimering på ditt ID-kort godtas av Kundwebben.',
  'selftest.card.notActivated':
    'Om ID-kortet är nytt kan det behöva aktiveras först: ett ID-kort från Skatteverket aktiveras med PUK-koden i brevet du fick, och du väljer då PIN-kod. Kontrollera också att kortläsaren är ansluten och att Net iD Client är installerat. Fråga din IT-avdelning om du inte får det att fungera.',

  'selftest.sign.heading': 'Testa underskrift med ID-kort',
  'selftest.sign.intro':
    'Du undertecknar en kort testtext med Net iD Client och din signeringskod. Inget undertecknas på riktigt och inget skickas in.',
  'selftest.sign.start': 'Testa underskrift med ID-kort',
  'selftest.sign.text': (p: { code: string }) => `Test av underskrift i Kundwebben, testkod ${p.code}. Detta är ingen riktig underskrift.`,
  'selftest.sign.check': 'Jag har undertecknat – visa resultatet',
  'selftest.sign.pending':
    'Net iD Client har inte lämnat någon underskrift ännu. Underteckna i Net iD Client och välj sedan ”Jag har undertecknat – visa resultatet” igen.',
  'selftest.sign.ok': 'Testunderskriften med ditt ID-kort kontrollerades och stämmer.',
  'selftest.sign.activated': 'Underskrift aktiverad',
  'selftest.sign.yes': 'Ja',
  'selftest.sign.no': 'Nej',
  'selftest.sign.certificate': 'Certifikatet för underskrift',
  'selftest.sign.verified': 'Underskriften',
  'selftest.sign.verifiedOk': 'Kontrollerad: signaturen, certifikatkedjan och kontrollsumman stämmer',
  'selftest.sign.notActivated': 'Ditt ID-kort är inte aktiverat för underskrift. Så aktiverar du det:',
  'selftest.sign.step1': 'Aktivera först ID-kortet för inloggning (se Kundwebbinfo).',
  'selftest.summary.card': 'ID-kort',
  'selftest.summary.signWith': (p: { method: string }) => `underskrift med ${p.method}`,

  'selftest.bankid.heading': 'Testa BankID',
  'selftest.bankid.intro': 'Gör en providentifiering med BankID-appen. Du loggas inte in.',
  'selftest.bankid.thisDevice': 'Testa BankID på den här enheten',
  'selftest.bankid.otherDevice': 'Testa BankID på en annan enhet (QR-kod)',

  'selftest.result.title': 'Resultat av testet',
  'selftest.result.ok': 'Testet lyckades.',
  'selftest.result.failed': 'Testet lyckades inte.',
  'selftest.result.issuer': 'Utfärdare',
  'selftest.result.personnummer': 'Personnummer',
  'selftest.result.validity': 'Giltighetstid',
  'selftest.result.validityRange': (p: { from: string; to: string }) => `${p.from} – ${p.to}`,
  'selftest.result.revocation': 'Spärrstatus',
  'selftest.result.notRevoked': 'Inte spärrat (kontrollerat hos utfärdaren nu)',
  'selftest.result.revoked': 'Spärrat',
  'selftest.result.notChecked': 'Inte kontrollerat',
  'selftest.result.enabled': 'Inloggningssättet i Kundwebben',
  'selftest.result.enabledNow': 'Fungerar redan i dag.',
  'selftest.result.enabledFrom': (p: { when: string; announceAs: string }) =>
    `Fungerar ${p.announceAs === 'mid_month' ? '' : 'från '}${p.when}. Ditt ID-kort är klart för det.`,
  'selftest.result.ended': 'Fungerar inte längre i Kundwebben.',
  'selftest.result.name': 'Namn som Kundwebben ser',
  'selftest.result.bankidIssued': 'BankID utfärdat',
  'selftest.result.again': 'Testa igen',
  'selftest.result.back': 'Tillbaka till testsidan',
  'selftest.result.whatToDo': 'Så gör du',
  'selftest.result.expiresBeforeBankId': (p: { expires: string; when: string }) =>
    `Ditt ID-kort från Telia slutar gälla ${p.expires}, innan BankID införs i Kundwebben (${p.when}). Ansök om ett ID-kort från Skatteverket redan nu, så att du kan logga in utan uppehåll.`,
  'selftest.result.skatteverketLink': 'Ansök om ID-kort hos Skatteverket',
  'selftest.result.bankidOk': 'Providentifieringen med BankID fungerade.',
  'selftest.result.bankidPlanned': (p: { when: string }) => `BankID införs i Kundwebben ${p.when}. Ditt BankID är klart för det.`,
  'selftest.card.ticketInvalid':
    'Testresultatet kunde inte visas: länken har redan använts eller är för gammal. Gör testet igen från testsidan.',

  'selftest.summary.heading': 'Sammanfattning',
  'selftest.summary.none': 'Du har inte gjort något test ännu i den här webbläsaren.',
  'selftest.summary.canLogin': (p: { methods: string }) => `Du kan logga in med: ${p.methods}.`,
  'selftest.summary.cannotLogin': 'Inget av de testade sätten fungerar för inloggning ännu.',
  'selftest.summary.notToday': 'I dag kan du inte logga in med de testade sätten, men de är klara för när de införs:',
  'selftest.summary.canSign': (p: { methods: string }) => `Du kan underteckna med: ${p.methods}.`,
  'selftest.summary.failed': (p: { methods: string }) => `Fungerade inte: ${p.methods}.`,
  'selftest.summary.later': (p: { method: string; when: string; announceAs: string }) =>
    `${p.method}: fungerar ${p.announceAs === 'mid_month' ? '' : 'från '}${p.when}.`,
  'selftest.summary.next': 'Läs vad du gör härnäst i Kundwebbinfo',
  'selftest.summary.print': 'Skriv ut sammanfattningen till din IT-avdelning: använd webbläsarens utskrift (Ctrl+P).',
  'selftest.and': 'och',
};

export const selftestEn = {
  'selftest.link': 'Test your e-ID',
  'selftest.title': 'Test your e-ID',
  'selftest.lead':
    'Here you can check in advance whether your ID card or your BankID works in Kundwebben, and what to do if it does not. The test does not log you in, and you need no account.',
  'selftest.privacy':
    'We do not keep the result. We only note that a test was made, with which method and how it went, without your personal identity number.',
  'selftest.cancelled': 'The test was cancelled. You can start again whenever you like.',

  'selftest.card.heading': 'Test your ID card',
  'selftest.card.intro':
    'Insert the ID card in the card reader. The browser asks which certificate to use: choose the certificate for identification (not the one for signing). Net iD Client asks for your identification PIN.',
  'selftest.card.start': 'Test login with ID card',
  'selftest.card.demo': 'Demo: no card in the computer? Test with one of the demo cards, which the simulated Net iD Client presents with the card’s real certificate.',
  'selftest.card.loginOk': 'The identification certificate on your ID card is accepted by Kundwebben.',
  'selftest.card.notActivated':
    'If the ID card is new it may need to be activated first: a Skatteverket ID card is activated with the PUK code in the letter you received, and you then choose a PIN. Also check that the card reader is connected and that Net iD Client is installed. Ask your IT department if you cannot get it to work.',

  'selftest.sign.heading': 'Test signing with your ID card',
  'selftest.sign.intro':
    'You sign a short test text with Net iD Client and your signing code. Nothing is really signed and nothing is submitted.',
  'selftest.sign.start': 'Test signing with ID card',
  'selftest.sign.text': (p: { code: string }) => `Signing test in Kundwebben, test code ${p.code}. This is not a real signature.`,
  'selftest.sign.check': 'I have signed – show the result',
  'selftest.sign.pending':
    'Net iD Client has not delivered a signature yet. Sign in Net iD Client and then choose “I have signed – show the result” again.',
  'selftest.sign.ok': 'The test signature with your ID card was checked and is correct.',
  'selftest.sign.activated': 'Signing activated',
  'selftest.sign.yes': 'Yes',
  'selftest.sign.no': 'No',
  'selftest.sign.certificate': 'Signing certificate',
  'selftest.sign.verified': 'The signature',
  'selftest.sign.verifiedOk': 'Checked: the signature, the certificate chain and the checksum are correct',
  'selftest.sign.notActivated': 'Your ID card is not activated for signing. This is how you activate it:',
  'selftest.sign.step1': 'First activate the ID card for login (see Kundwebbinfo).',
  'selftest.summary.card': 'ID card',
  'selftest.summary.signWith': (p: { method: string }) => `signing with ${p.method}`,

  'selftest.bankid.heading': 'Test BankID',
  'selftest.bankid.intro': 'Make a test identification with the BankID app. You are not logged in.',
  'selftest.bankid.thisDevice': 'Test BankID on this device',
  'selftest.bankid.otherDevice': 'Test BankID on another device (QR code)',

  'selftest.result.title': 'Result of the test',
  'selftest.result.ok': 'The test succeeded.',
  'selftest.result.failed': 'The test did not succeed.',
  'selftest.result.issuer': 'Issuer',
  'selftest.result.personnummer': 'Personal identity number',
  'selftest.result.validity': 'Validity period',
  'selftest.result.validityRange': (p: { from: string; to: string }) => `${p.from} – ${p.to}`,
  'selftest.result.revocation': 'Revocation status',
  'selftest.result.notRevoked': 'Not revoked (checked with the issuer just now)',
  'selftest.result.revoked': 'Revoked',
  'selftest.result.notChecked': 'Not checked',
  'selftest.result.enabled': 'The login method in Kundwebben',
  'selftest.result.enabledNow': 'Works already today.',
  'selftest.result.enabledFrom': (p: { when: string; announceAs: string }) =>
    `Starts working ${p.when}. Your ID card is ready for it.`,
  'selftest.result.ended': 'No longer works in Kundwebben.',
  'selftest.result.name': 'Name that Kundwebben sees',
  'selftest.result.bankidIssued': 'BankID issued',
  'selftest.result.again': 'Test again',
  'selftest.result.back': 'Back to the test page',
  'selftest.result.whatToDo': 'What to do',
  'selftest.result.expiresBeforeBankId': (p: { expires: string; when: string }) =>
    `Your Telia ID card expires on ${p.expires}, before BankID is introduced in Kundwebben (${p.when}). Apply for an ID card from Skatteverket now, so that you can keep logging in without a break.`,
  'selftest.result.skatteverketLink': 'Apply for an ID card from Skatteverket',
  'selftest.result.bankidOk': 'The test identification with BankID worked.',
  'selftest.result.bankidPlanned': (p: { when: string }) => `BankID is introduced in Kundwebben ${p.when}. Your BankID is ready for it.`,
  'selftest.card.ticketInvalid':
    'The test result could not be shown: the link has already been used or is too old. Make the test again from the test page.',

  'selftest.summary.heading': 'Summary',
  'selftest.summary.none': 'You have not made any test in this browser yet.',
  'selftest.summary.canLogin': (p: { methods: string }) => `You can log in with: ${p.methods}.`,
  'selftest.summary.cannotLogin': 'None of the methods tested works for login yet.',
  'selftest.summary.notToday': 'Today you cannot log in with the methods tested, but they are ready for when they are introduced:',
  'selftest.summary.canSign': (p: { methods: string }) => `You can sign with: ${p.methods}.`,
  'selftest.summary.failed': (p: { methods: string }) => `Did not work: ${p.methods}.`,
  'selftest.summary.later': (p: { method: string; when: string; announceAs: string }) =>
    `${p.method}: starts working ${p.when}.`,
  'selftest.summary.next': 'Read what to do next in Kundwebbinfo',
  'selftest.summary.print': "Print the summary for your IT department: use the browser's print command (Ctrl+P).",
  'selftest.and': 'and',
} satisfies CatalogOf<typeof selftestSv>;

declare module '../platform/i18n/index.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds this feature's keys
  interface MessageCatalog extends CatalogOf<typeof selftestSv> {}
}
