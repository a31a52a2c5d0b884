/**
 * The info feature's texts, Swedish first (the source) and English. Joined into the
 * catalogs by the composition (src/messages.ts); the keys join the typed catalog below.
 */
import type { CatalogOf } from '../platform/i18n/catalog.js';

export const infoSv = {
  'info.title': 'Kundwebbinfo',
  'info.lead': 'Samlad information till befintliga användare av Kundwebben – inloggningsalternativ.',
  'info.now.heading': 'Inloggning i Kundwebben idag och framöver',
  'info.today.only': (p: { method: string }) => `Idag är det endast möjligt att logga in i Kundwebben med ${p.method}.`,
  'info.today.several': (p: { methods: string }) => `Idag kan du logga in i Kundwebben med ${p.methods}.`,
  'info.today.none': 'Idag går det inte att logga in i Kundwebben.',
  'info.noNeedToTell': (p: { agency: string }) =>
    `Du behöver inte meddela ${p.agency} vilket inloggningssätt du vill använda när du loggar in.`,
  'info.planned': (p: { when: string; method: string }) => `${capitalise(p.when)} planerar vi att införa inloggning med ${p.method}.`,
  'info.since': (p: { when: string; method: string }) => `Sedan ${p.when} kan du logga in med ${p.method}.`,
  'info.ending': (p: { when: string; method: string }) => `Inloggning med ${p.method} upphör ${p.when}.`,
  'info.ended': (p: { when: string; method: string }) => `Inloggning med ${p.method} upphörde ${p.when}.`,
  'info.timetableLink': 'Se den aktuella tidplanen nedan.',
  'info.timetable.heading': 'Tidplan för inloggningsalternativ',
  'info.timetable.caption': 'Inloggningssätt i Kundwebben och när de gäller',
  'info.timetable.method': 'Inloggningssätt',
  'info.timetable.from': 'Från',
  'info.timetable.until': 'Till',
  'info.timetable.status': 'Status',
  'info.timetable.note': 'Information',
  'info.timetable.untilNone': 'Tills vidare',
  'info.status.enabled': 'Fungerar nu',
  'info.status.planned': 'Planerad',
  'info.status.ended': 'Avslutad',
  'info.feeds': 'Tidplanen finns också som',
  'info.feeds.json': 'JSON',
  'info.feeds.ics': 'kalender (iCalendar) att prenumerera på',
  'info.cardAdvice.heading': 'Om ditt ID-kort från Telia',
  'info.cardAdvice.beforeBankId': (p: { when: string }) =>
    `Om du fortsatt vill logga in med ett ID-kort istället för BankID, eller om ditt ID-kort från Telia går ut innan vi inför BankID (${p.when}), kan du redan nu ansöka om ID-kort från Skatteverket.`,
  'info.cardAdvice.afterBankId':
    'Om ditt ID-kort från Telia har gått ut eller snart går ut kan du logga in med BankID, eller ansöka om ID-kort från Skatteverket om du vill fortsätta logga in med ID-kort.',
  'info.cardAdvice.noBankId':
    'Om ditt ID-kort från Telia går ut kan du ansöka om ID-kort från Skatteverket.',
  'info.cardAdvice.skatteverket': 'Läs mer om ID-kort på Skatteverkets webbplats',
  'info.cardAdvice.keep':
    'Om du fortsatt vill använda ditt ID-kort från Telia för inloggning behöver du inte göra något, så länge ditt ID-korts giltighetstid inte har passerat.',
  'info.svp.heading': 'Om inloggning med Skatteverkets ID-kort/e-legitimation',
  'info.svp.intro': 'För att kunna logga in och signera med Skatteverkets ID-kort/e-legitimation behöver du följa stegen nedan.',
  'info.svp.notYet': (p: { when: string }) =>
    `Observera: först när inloggningslösningen har införts ${p.when} kommer du kunna installera den nya versionen av Net iD Client och aktivera ID-kortet för signering.`,
  'info.netid.heading': 'Installera en ny version av Net iD Client',
  'info.netid.same':
    'De tekniska kraven för inloggning med Skatteverkets ID-kort är samma som för inloggning med Telias ID-kort: en dator med kortläsare och programmet Net iD Client. Du behöver dock installera en ny version av Net iD Client.',
  'info.netid.comingWhen': (p: { when: string }) =>
    `Information om hur du får tillgång till den nya versionen presenteras här i samband med att den nya inloggningslösningen införs ${p.when}.`,
  'info.netid.howTo': 'Så får du den nya versionen av Net iD Client:',
  'info.netid.byMail': 'Skicka ett e-postmeddelande till oss så skickar vi programmet och en instruktion för installationen.',
  'info.netid.download': 'Ladda ner Net iD Client och instruktionen',
  'info.activateLogin.heading': 'Aktivera ID-kortet för inloggning i Kundwebben',
  'info.activateLogin.intro':
    'Du behöver logga in på någon av Skatteverkets e-tjänster en gång och sätta en egen PIN-kod för ditt ID-kort.',
  'info.activateLogin.step1': 'Ta fram PUK-koden som Skatteverket har skickat hem till dig.',
  'info.activateLogin.step2': 'Gå till någon av Skatteverkets e-tjänster och välj att logga in.',
  'info.activateLogin.step3': 'Ange inloggningsalternativet ”AB Svenska Pass”.',
  'info.activateLogin.step4': 'Du uppmanas då att ladda ner webbläsartillägget SConnect. Ladda ner och installera tillägget enligt instruktionen.',
  'info.activateLogin.step5': 'Sätt din egen PIN-kod med hjälp av PUK-koden.',
  'info.activateLogin.step6': 'Efter det kan du logga in i Kundwebben med ditt ID-kort.',
  'info.activateSign.heading': 'Aktivera ID-kortet för signering i Kundwebben',
  'info.activateSign.step1': 'Aktivera först ID-kortet för inloggning (se ovan).',
  'info.activateSign.step2': 'Lås upp signering i Net iD Client.',
  'info.activateSign.step3': 'Sätt en egen signeringskod. Den är skild från PIN-koden du loggar in med.',
  'info.activateSign.itDept': 'Du kan behöva ta hjälp av din IT-avdelning för detta.',
  'info.activateSign.notYet': 'Detta steg kan du göra först när den nya versionen av Net iD Client finns tillgänglig här.',
  'info.more': 'Mer detaljerad information kommer.',
  'info.questions.heading': 'Frågor',
  'info.questions.body': 'Har du frågor, kontakta',
  'info.updated': (p: { date: string }) => `Tidplanen ändrades senast ${p.date}.`,
};

export const infoEn = {
  'info.title': 'Kundwebbinfo',
  'info.lead': 'Collected information for existing users of Kundwebben – login options.',
  'info.now.heading': 'Logging in to Kundwebben, today and ahead',
  'info.today.only': (p: { method: string }) => `Today you can log in to Kundwebben only with: ${p.method}.`,
  'info.today.several': (p: { methods: string }) => `Today you can log in to Kundwebben with ${p.methods}.`,
  'info.today.none': 'Logging in to Kundwebben is not possible today.',
  'info.noNeedToTell': (p: { agency: string }) =>
    `You do not need to tell ${p.agency} which login method you want to use when you log in.`,
  'info.planned': (p: { when: string; method: string }) => `${capitalise(p.when)} we plan to introduce login with ${p.method}.`,
  // `when` reads "in week 35" or "on 15 September" in running text; after "Since" without the preposition.
  'info.since': (p: { when: string; method: string }) => `Since ${p.when.replace(/^(in|on) /, '')} you can log in with ${p.method}.`,
  'info.ending': (p: { when: string; method: string }) => `Login with ${p.method} ends ${p.when}.`,
  'info.ended': (p: { when: string; method: string }) => `Login with ${p.method} ended ${p.when}.`,
  'info.timetableLink': 'See the current timetable below.',
  'info.timetable.heading': 'Timetable of login options',
  'info.timetable.caption': 'Login options in Kundwebben and when they apply',
  'info.timetable.method': 'Login option',
  'info.timetable.from': 'From',
  'info.timetable.until': 'Until',
  'info.timetable.status': 'Status',
  'info.timetable.note': 'Information',
  'info.timetable.untilNone': 'Until further notice',
  'info.status.enabled': 'Works now',
  'info.status.planned': 'Planned',
  'info.status.ended': 'Ended',
  'info.feeds': 'The timetable is also available as',
  'info.feeds.json': 'JSON',
  'info.feeds.ics': 'a calendar (iCalendar) to subscribe to',
  'info.cardAdvice.heading': 'About your ID card from Telia',
  'info.cardAdvice.beforeBankId': (p: { when: string }) =>
    `If you want to keep logging in with an ID card rather than BankID, or if your Telia ID card expires before we introduce BankID (${p.when}), you can already now apply for an ID card from Skatteverket.`,
  'info.cardAdvice.afterBankId':
    'If your Telia ID card has expired or expires soon you can log in with BankID, or apply for an ID card from Skatteverket if you want to keep logging in with an ID card.',
  'info.cardAdvice.noBankId': 'If your Telia ID card expires you can apply for an ID card from Skatteverket.',
  'info.cardAdvice.skatteverket': "Read more about ID cards on Skatteverket's website",
  'info.cardAdvice.keep':
    "If you want to keep using your Telia ID card you need to do nothing, as long as the card's validity period has not passed.",
  'info.svp.heading': "About logging in with Skatteverket's ID card / e-ID",
  'info.svp.intro': "To log in and sign with Skatteverket's ID card you need to follow the steps below.",
  'info.svp.notYet': (p: { when: string }) =>
    `Note: only once the new login solution has been introduced ${p.when} can you install the new version of Net iD Client and activate the ID card for signing.`,
  'info.netid.heading': 'Install a new version of Net iD Client',
  'info.netid.same':
    "The technical requirements for logging in with Skatteverket's ID card are the same as for Telia's ID card: a computer with a card reader and the Net iD Client software. You do, however, need to install a new version of Net iD Client.",
  'info.netid.comingWhen': (p: { when: string }) =>
    `How to get the new version will be published here when the new login solution is introduced ${p.when}.`,
  'info.netid.howTo': 'How to get the new version of Net iD Client:',
  'info.netid.byMail': 'Send us an e-mail and we will send you the software and installation instructions.',
  'info.netid.download': 'Download Net iD Client and the instructions',
  'info.activateLogin.heading': 'Activate the ID card for login in Kundwebben',
  'info.activateLogin.intro':
    "You need to log in once to one of Skatteverket's e-services and set your own PIN for the ID card.",
  'info.activateLogin.step1': 'Find the PUK code that Skatteverket sent to your home address.',
  'info.activateLogin.step2': "Go to one of Skatteverket's e-services and choose to log in.",
  'info.activateLogin.step3': 'Choose the login option “AB Svenska Pass”.',
  'info.activateLogin.step4': 'You are then asked to download the SConnect browser extension. Download and install it as instructed.',
  'info.activateLogin.step5': 'Set your own PIN using the PUK code.',
  'info.activateLogin.step6': 'After that you can log in to Kundwebben with your ID card.',
  'info.activateSign.heading': 'Activate the ID card for signing in Kundwebben',
  'info.activateSign.step1': 'First activate the ID card for login (see above).',
  'info.activateSign.step2': 'Unlock signing in Net iD Client.',
  'info.activateSign.step3': 'Set your own signing code. It is separate from the PIN you log in with.',
  'info.activateSign.itDept': 'Your IT department may need to help you with this.',
  'info.activateSign.notYet': 'You can do this step only once the new version of Net iD Client is available here.',
  'info.more': 'More detailed information will follow.',
  'info.questions.heading': 'Questions',
  'info.questions.body': 'If you have questions, contact',
  'info.updated': (p: { date: string }) => `The timetable was last changed on ${p.date}.`,
} satisfies CatalogOf<typeof infoSv>;

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

declare module '../platform/i18n/index.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds this feature's keys
  interface MessageCatalog extends CatalogOf<typeof infoSv> {}
}
