/**
 * Texts of the at-risk report, its reminder e-mail and the demo outbox. Swedish is the
 * source; English must have the same keys and parameters. Spread into sv.ts / en.ts.
 */
import type { CatalogOf } from '../platform/i18n/catalog.js';

const personer = (n: number) => `${n} ${n === 1 ? 'person' : 'personer'}`;
const people = (n: number) => `${n} ${n === 1 ? 'person' : 'people'}`;

export const reportsSv = {
  'reports.title': 'Personer som riskerar att stå utan inloggning',
  'reports.lead':
    'Rapporten visar vilka användare som kan bli utan ett fungerande sätt att logga in när ID-kort från Telia går ut och inloggningssätten ändras, och hur många de är per organisation. Bara aktiva användare räknas.',
  'reports.backToAdmin': 'Till administrationen',

  'reports.form.heading': 'Urval',
  'reports.form.before': 'Kort som går ut före (datum)',
  'reports.form.beforeHint':
    'Skriv datumet som ÅÅÅÅ-MM-DD. Lämna tomt för standarddatumet: när nästa planerade inloggningssätt införs.',
  'reports.form.months': 'Inloggningar under de senaste (antal månader)',
  'reports.form.monthsHint': (p: { max: number }) => `Ett heltal från 1 till ${p.max}. Lämna tomt för 12 månader.`,
  'reports.form.submit': 'Visa rapporten',

  'reports.error.summary': 'Det finns ett problem',
  'reports.error.prefix': 'Fel:',
  'reports.error.invalid_before': 'Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2027-08-30.',
  'reports.error.invalid_months': 'Ange antalet månader som ett heltal från 1 till 60.',

  'reports.cutoff.chosen': 'Du har valt datumet själv. Töm fältet för att använda standarddatumet.',
  'reports.cutoff.next': (p: { method: string }) => `Datumet är när nästa inloggningssätt, ${p.method}, planeras att införas.`,
  'reports.cutoff.window': (p: { days: number }) =>
    `Inget nytt inloggningssätt är planerat, så datumet är om ${p.days} dagar (samma gräns som varningen användaren själv får).`,
  'reports.change.since': (p: { method: string; when: string }) => `${p.method} infördes ${p.when}`,

  'reports.summary.heading': 'Sammanfattning',
  'reports.summary.card': (p: { count: number; date: string }) =>
    `${personer(p.count)} har bara loggat in med ett ID-kort som slutar gälla före ${p.date}.`,
  'reports.summary.notSince': (p: { count: number; since: string }) =>
    `${personer(p.count)} har inte loggat in sedan ${p.since}.`,

  'reports.card.heading': (p: { date: string }) => `Enda inloggningssättet är ett ID-kort som går ut före ${p.date}`,
  'reports.card.definition': (p: { months: number; date: string }) =>
    `Personer som under de senaste ${p.months} månaderna bara har loggat in med ett enda sätt, ett ID-kort, vars certifikat slutar gälla före ${p.date}. Kort som redan har gått ut är med och markerade.`,
  'reports.card.none': 'Ingen person har bara ett sådant kort.',
  'reports.card.caption': (p: { count: number }) => `Enda inloggningssättet är ett kort som går ut: ${personer(p.count)}`,
  'reports.card.expired': '(har gått ut)',

  'reports.since.heading': (p: { since: string }) => `Har inte loggat in sedan ${p.since}`,
  'reports.since.headingNoChange': 'Har inte loggat in sedan senaste ändringen',
  'reports.since.definition': (p: { since: string }) =>
    `Användare som inte har loggat in med något inloggningssätt sedan ${p.since}, den senaste ändringen av inloggningssätten. ”Aldrig” betyder att personen aldrig har loggat in.`,
  'reports.since.none': 'Alla användare har loggat in sedan dess.',
  'reports.since.caption': (p: { count: number }) => `Ej inloggade sedan senaste ändringen: ${personer(p.count)}`,
  'reports.since.noChange': 'Inget inloggningssätt har införts ännu.',

  'reports.col.name': 'Namn',
  'reports.col.personnummer': 'Personnummer',
  'reports.col.organisations': 'Organisationer',
  'reports.col.organisation': 'Organisation',
  'reports.col.method': 'Inloggningssätt',
  'reports.col.cardValidTo': 'Kortet gäller till',
  'reports.col.lastLogin': 'Senaste inloggning',
  'reports.col.lastLoginWith': (p: { date: string; method: string }) => `${p.date} (${p.method})`,
  'reports.col.never': 'Aldrig',
  'reports.col.staff': 'Myndighetens personal',

  'reports.orgs.heading': 'Per organisation',
  'reports.orgs.caption': 'Antal personer på listorna per organisation',
  'reports.orgs.card': 'Kort som går ut',
  'reports.orgs.notSince': 'Ej inloggade sedan ändringen',
  'reports.orgs.people': 'Personer totalt',
  'reports.orgs.withoutOrganisation': 'Ingen organisation (myndighetens personal)',
  'reports.orgs.none': 'Ingen organisation har någon person på listorna.',
  'reports.listCapped': (p: { shown: number; total: number }) =>
    `Sidan visar de första ${p.shown} av ${p.total}. Antalen ovan och påminnelserna gäller alla ${p.total}.`,
  'reports.orgs.note': 'En person som företräder flera organisationer räknas i var och en av dem, men bara en gång i ”Personer totalt”.',

  'reports.chart.heading': 'Inloggningar per inloggningssätt',
  'reports.selftest.heading': 'Tester av e-legitimation per vecka',
  'reports.selftest.lead':
    'Hur många som har använt ”Testa din e-legitimation”, per vecka, sätt och utfall, de senaste åtta veckorna. Testerna sparas utan personnummer.',
  'reports.selftest.none': 'Ingen har testat sin e-legitimation de senaste åtta veckorna.',
  'reports.selftest.week': 'Vecka',
  'reports.selftest.weekLabel': (p: { week: number; year: number }) => `Vecka ${p.week} ${p.year}`,
  'reports.selftest.method': 'Sätt',
  'reports.selftest.usage': 'Test av',
  'reports.selftest.usage.login': 'Inloggning',
  'reports.selftest.usage.sign': 'Underskrift',
  'reports.selftest.ok': 'Lyckades',
  'reports.selftest.failed': 'Misslyckades',
  'reports.selftest.card': 'ID-kort (okänd utfärdare)',
  'reports.chart.lead':
    'Lyckade inloggningar per månad de senaste tolv månaderna, enligt granskningsloggen. Den sista månaden är inte slut än.',
  'reports.chart.title': 'Inloggningar per månad och inloggningssätt',
  'reports.chart.period': (p: { from: string; to: string }) => `${p.from} – ${p.to}`,
  'reports.chart.totals': (p: { totals: string }) => `Totalt: ${p.totals}.`,
  'reports.chart.seeTable': 'Samma siffror finns i tabellen under diagrammet.',
  'reports.chart.xAxis': 'Månad',
  'reports.chart.yAxis': 'Antal inloggningar',
  'reports.chart.month': 'Månad',
  'reports.chart.total': 'Totalt',
  'reports.chart.tableCaption': (p: { period: string }) => `Inloggningar per månad och inloggningssätt, ${p.period}`,
  'reports.chart.legend': 'Förklaring till diagrammet',

  'reports.remind.heading': 'Påminnelse via e-post',
  'reports.remind.lead': (p: { days: number }) =>
    `Skicka ett e-postmeddelande till personerna på listorna ovan, på svenska och engelska, om vilka inloggningssätt som finns och vad de kan göra. Ingen får mer än en påminnelse på ${p.days} dagar.`,
  'reports.remind.people': (p: { count: number }) => `${personer(p.count)} på listorna.`,
  'reports.remind.noAddress': (p: { count: number }) => `${p.count} av dem saknar e-postadress.`,
  'reports.remind.recent': (p: { count: number; days: number }) =>
    `${p.count} av dem har fått en påminnelse de senaste ${p.days} dagarna.`,
  'reports.remind.unavailable': 'E-post är inte konfigurerad (KW_SMTP_URL), så påminnelser kan inte skickas.',
  'reports.remind.nobody': 'Det finns ingen att skicka en påminnelse till just nu.',
  'reports.remind.outbox': 'Demoläge: e-posten skickas inte på riktigt utan hamnar i',
  'reports.remind.submit': (p: { count: number }) => `Skicka påminnelse till ${personer(p.count)}`,

  'reports.result.title': 'Påminnelser via e-post',
  'reports.result.sent': (p: { count: number }) => `Skickade: ${p.count}.`,
  'reports.result.recent': (p: { count: number; days: number }) =>
    `Hoppades över, har fått en påminnelse de senaste ${p.days} dagarna: ${p.count}.`,
  'reports.result.noAddress': (p: { count: number }) => `Hoppades över, saknar e-postadress: ${p.count}.`,
  'reports.result.failed': (p: { count: number }) => `Kunde inte skickas, e-postservern svarade med fel: ${p.count}. Försök igen senare.`,
  'reports.result.notAttempted': (p: { count: number }) =>
    `Skickades inte eftersom e-postservern slutade svara: ${p.count}. Försök igen senare.`,
  'reports.result.busy': 'En annan utskickning av påminnelser pågår. Vänta tills den är klar och försök sedan igen.',
  'reports.result.back': 'Tillbaka till rapporten',

  'reports.outbox.title': 'Demo-utkorgen',
  'reports.outbox.back': 'Till rapporten om personer som riskerar att stå utan inloggning',
  'reports.outbox.notice':
    'Det här är demo-utkorgen. Kundwebben körs i demo- eller testläge utan e-postserver, så inga e-postmeddelanden skickas. Meddelandena finns bara här, i minnet, och försvinner när Kundwebben startas om.',
  'reports.outbox.empty': 'Utkorgen är tom.',
  'reports.outbox.count': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'meddelande' : 'meddelanden'}, det senaste först.`,
  'reports.outbox.to': 'Till',
  'reports.outbox.from': 'Från',
  'reports.outbox.at': 'Skickat',

  'reports.mail.subject': 'Kundwebben: se till att du kan logga in',
  'reports.mail.otherLanguage': '(English version below.)',
  'reports.mail.greeting': (p: { name: string }) => `Hej ${p.name}!`,
  'reports.mail.why': 'Du får det här meddelandet från Kundwebben eftersom',
  'reports.mail.reason.cardExpires': (p: { method: string; date: string }) =>
    `ditt ${p.method} slutar gälla ${p.date}, och det är det enda sätt du har loggat in med på senare tid.`,
  'reports.mail.reason.cardExpired': (p: { method: string; date: string }) => `ditt ${p.method} gick ut ${p.date}.`,
  'reports.mail.reason.never': 'du inte har loggat in i Kundwebben ännu.',
  'reports.mail.reason.notSince': (p: { method: string; when: string }) =>
    `du inte har loggat in i Kundwebben sedan ${p.method} infördes ${p.when}.`,
  'reports.mail.methods': 'Så här kan du logga in i Kundwebben:',
  'reports.mail.method.enabled': (p: { method: string }) => `${p.method}: fungerar nu.`,
  'reports.mail.method.planned': (p: { method: string; when: string }) => `${p.method}: planeras ${p.when}.`,
  'reports.mail.todo': 'Det här kan du göra:',
  'reports.mail.todo.bankId': 'Logga in med BankID. Då behöver du varken ID-kort eller kortläsare.',
  'reports.mail.todo.bankIdPlanned': (p: { when: string }) =>
    `Inloggning med BankID planeras ${p.when}. Då behöver du varken ID-kort eller kortläsare.`,
  'reports.mail.todo.skatteverket': (p: { url: string }) =>
    `Vill du logga in med ID-kort kan du redan nu ansöka om ID-kort från Skatteverket: ${p.url}`,
  'reports.mail.todo.login': (p: { url: string }) => `Logga in en gång och kontrollera att det fungerar: ${p.url}`,
  'reports.mail.info': (p: { url: string }) => `Läs mer om inloggningssätten och tidplanen i Kundwebbinfo: ${p.url}`,
  'reports.mail.questions': (p: { email: string }) => `Har du frågor? Kontakta ${p.email}.`,
  'reports.mail.regards': 'Med vänlig hälsning',
  'reports.mail.noReply': 'Meddelandet skickades automatiskt från Kundwebben. Svar på det läses inte.',
};

export const reportsEn = {
  'reports.title': 'People at risk of being left without a login',
  'reports.lead':
    'The report shows which users may be left without a working way to log in as Telia ID cards expire and the login methods change, and how many they are per organisation. Only active users are counted.',
  'reports.backToAdmin': 'To administration',

  'reports.form.heading': 'Selection',
  'reports.form.before': 'Cards expiring before (date)',
  'reports.form.beforeHint': 'Write the date as YYYY-MM-DD. Leave it empty for the default: when the next planned login method is introduced.',
  'reports.form.months': 'Logins during the last (number of months)',
  'reports.form.monthsHint': (p: { max: number }) => `A whole number from 1 to ${p.max}. Leave it empty for 12 months.`,
  'reports.form.submit': 'Show the report',

  'reports.error.summary': 'There is a problem',
  'reports.error.prefix': 'Error:',
  'reports.error.invalid_before': 'Enter the date as YYYY-MM-DD, for example 2027-08-30.',
  'reports.error.invalid_months': 'Enter the number of months as a whole number from 1 to 60.',

  'reports.cutoff.chosen': 'You chose the date yourself. Empty the field to use the default date.',
  'reports.cutoff.next': (p: { method: string }) => `The date is when the next login method, ${p.method}, is planned to be introduced.`,
  'reports.cutoff.window': (p: { days: number }) =>
    `No new login method is planned, so the date is ${p.days} days from now (the same limit as the warning users see themselves).`,
  'reports.change.since': (p: { method: string; when: string }) => `${p.method} was introduced ${p.when}`,

  'reports.summary.heading': 'Summary',
  'reports.summary.card': (p: { count: number; date: string }) =>
    `${people(p.count)} only logged in with an ID card that expires before ${p.date}.`,
  'reports.summary.notSince': (p: { count: number; since: string }) => `${people(p.count)} have not logged in since ${p.since}.`,

  'reports.card.heading': (p: { date: string }) => `Only login method is an ID card expiring before ${p.date}`,
  'reports.card.definition': (p: { months: number; date: string }) =>
    `People who during the last ${p.months} months logged in with one method only, an ID card, whose certificate expires before ${p.date}. Cards that have already expired are included and marked.`,
  'reports.card.none': 'Nobody has only such a card.',
  'reports.card.caption': (p: { count: number }) => `Only login method is an expiring card: ${people(p.count)}`,
  'reports.card.expired': '(expired)',

  'reports.since.heading': (p: { since: string }) => `Not logged in since ${p.since}`,
  'reports.since.headingNoChange': 'Not logged in since the latest change',
  'reports.since.definition': (p: { since: string }) =>
    `Users who have not logged in with any method since ${p.since}, the latest change of login methods. “Never” means the person has never logged in.`,
  'reports.since.none': 'Every user has logged in since then.',
  'reports.since.caption': (p: { count: number }) => `Not logged in since the latest change: ${people(p.count)}`,
  'reports.since.noChange': 'No login method has been introduced yet.',

  'reports.col.name': 'Name',
  'reports.col.personnummer': 'Personal identity number',
  'reports.col.organisations': 'Organisations',
  'reports.col.organisation': 'Organisation',
  'reports.col.method': 'Login method',
  'reports.col.cardValidTo': 'Card valid until',
  'reports.col.lastLogin': 'Latest login',
  'reports.col.lastLoginWith': (p: { date: string; method: string }) => `${p.date} (${p.method})`,
  'reports.col.never': 'Never',
  'reports.col.staff': 'Agency staff',

  'reports.orgs.heading': 'Per organisation',
  'reports.orgs.caption': 'Number of people on the lists per organisation',
  'reports.orgs.card': 'Expiring cards',
  'reports.orgs.notSince': 'Not logged in since the change',
  'reports.orgs.people': 'People in total',
  'reports.orgs.withoutOrganisation': 'No organisation (agency staff)',
  'reports.orgs.none': 'No organisation has anyone on the lists.',
  'reports.listCapped': (p: { shown: number; total: number }) =>
    `The page shows the first ${p.shown} of ${p.total}. The counts above and the reminders cover all ${p.total}.`,
  'reports.orgs.note': 'A person acting for several organisations is counted in each of them, but only once in “People in total”.',

  'reports.chart.heading': 'Logins per login method',
  'reports.selftest.heading': 'e-ID tests per week',
  'reports.selftest.lead':
    'How many people used “Test your e-ID”, per week, method and outcome, over the last eight weeks. The tests are kept without personal identity numbers.',
  'reports.selftest.none': 'Nobody has tested their e-ID in the last eight weeks.',
  'reports.selftest.week': 'Week',
  'reports.selftest.weekLabel': (p: { week: number; year: number }) => `Week ${p.week} ${p.year}`,
  'reports.selftest.method': 'Method',
  'reports.selftest.usage': 'Test of',
  'reports.selftest.usage.login': 'Login',
  'reports.selftest.usage.sign': 'Signing',
  'reports.selftest.ok': 'Succeeded',
  'reports.selftest.failed': 'Failed',
  'reports.selftest.card': 'ID card (unknown issuer)',
  'reports.chart.lead': 'Successful logins per month over the last twelve months, from the audit log. The last month is not over yet.',
  'reports.chart.title': 'Logins per month and login method',
  'reports.chart.period': (p: { from: string; to: string }) => `${p.from} – ${p.to}`,
  'reports.chart.totals': (p: { totals: string }) => `In total: ${p.totals}.`,
  'reports.chart.seeTable': 'The same numbers are in the table below the chart.',
  'reports.chart.xAxis': 'Month',
  'reports.chart.yAxis': 'Number of logins',
  'reports.chart.month': 'Month',
  'reports.chart.total': 'Total',
  'reports.chart.tableCaption': (p: { period: string }) => `Logins per month and login method, ${p.period}`,
  'reports.chart.legend': 'Key to the chart',

  'reports.remind.heading': 'Reminder by e-mail',
  'reports.remind.lead': (p: { days: number }) =>
    `Send an e-mail to the people on the lists above, in Swedish and English, about the login methods there are and what they can do. Nobody gets more than one reminder in ${p.days} days.`,
  'reports.remind.people': (p: { count: number }) => `${people(p.count)} on the lists.`,
  'reports.remind.noAddress': (p: { count: number }) => `${p.count} of them have no e-mail address.`,
  'reports.remind.recent': (p: { count: number; days: number }) => `${p.count} of them got a reminder in the last ${p.days} days.`,
  'reports.remind.unavailable': 'E-mail is not configured (KW_SMTP_URL), so reminders cannot be sent.',
  'reports.remind.nobody': 'There is nobody to send a reminder to right now.',
  'reports.remind.outbox': 'Demo mode: the e-mail is not really sent; it goes to',
  'reports.remind.submit': (p: { count: number }) => `Send a reminder to ${people(p.count)}`,

  'reports.result.title': 'Reminders by e-mail',
  'reports.result.sent': (p: { count: number }) => `Sent: ${p.count}.`,
  'reports.result.recent': (p: { count: number; days: number }) => `Skipped, got a reminder in the last ${p.days} days: ${p.count}.`,
  'reports.result.noAddress': (p: { count: number }) => `Skipped, no e-mail address: ${p.count}.`,
  'reports.result.failed': (p: { count: number }) => `Could not be sent, the mail server answered with an error: ${p.count}. Try again later.`,
  'reports.result.notAttempted': (p: { count: number }) => `Not sent because the mail server stopped answering: ${p.count}. Try again later.`,
  'reports.result.busy': 'Another round of reminders is being sent. Wait until it has finished and then try again.',
  'reports.result.back': 'Back to the report',

  'reports.outbox.title': 'The demo outbox',
  'reports.outbox.back': 'To the report on people at risk of being left without a login',
  'reports.outbox.notice':
    'This is the demo outbox. Kundwebben runs in demo or test mode without a mail server, so no e-mail is sent. The messages exist only here, in memory, and disappear when Kundwebben restarts.',
  'reports.outbox.empty': 'The outbox is empty.',
  'reports.outbox.count': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'message' : 'messages'}, latest first.`,
  'reports.outbox.to': 'To',
  'reports.outbox.from': 'From',
  'reports.outbox.at': 'Sent',

  'reports.mail.subject': 'Kundwebben: make sure you can log in',
  'reports.mail.otherLanguage': '(Svensk version ovan.)',
  'reports.mail.greeting': (p: { name: string }) => `Hello ${p.name},`,
  'reports.mail.why': 'You are receiving this message from Kundwebben because',
  'reports.mail.reason.cardExpires': (p: { method: string; date: string }) =>
    `your ${p.method} expires on ${p.date}, and it is the only way you have logged in recently.`,
  'reports.mail.reason.cardExpired': (p: { method: string; date: string }) => `your ${p.method} expired on ${p.date}.`,
  'reports.mail.reason.never': 'you have not logged in to Kundwebben yet.',
  'reports.mail.reason.notSince': (p: { method: string; when: string }) =>
    `you have not logged in to Kundwebben since ${p.method} was introduced ${p.when}.`,
  'reports.mail.methods': 'Ways to log in to Kundwebben:',
  'reports.mail.method.enabled': (p: { method: string }) => `${p.method}: works now.`,
  'reports.mail.method.planned': (p: { method: string; when: string }) => `${p.method}: planned ${p.when}.`,
  'reports.mail.todo': 'What you can do:',
  'reports.mail.todo.bankId': 'Log in with BankID. Then you need neither an ID card nor a card reader.',
  'reports.mail.todo.bankIdPlanned': (p: { when: string }) =>
    `Login with BankID is planned ${p.when}. Then you need neither an ID card nor a card reader.`,
  'reports.mail.todo.skatteverket': (p: { url: string }) =>
    `If you want to log in with an ID card, you can already now apply for an ID card from Skatteverket: ${p.url}`,
  'reports.mail.todo.login': (p: { url: string }) => `Log in once to check that it works: ${p.url}`,
  'reports.mail.info': (p: { url: string }) => `Read more about the login methods and the timetable in Kundwebbinfo: ${p.url}`,
  'reports.mail.questions': (p: { email: string }) => `Questions? Contact ${p.email}.`,
  'reports.mail.regards': 'Kind regards',
  'reports.mail.noReply': 'This message was sent automatically by Kundwebben. Replies are not read.',
} satisfies CatalogOf<typeof reportsSv>;

declare module '../platform/i18n/index.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds this feature's keys
  interface MessageCatalog extends CatalogOf<typeof reportsSv> {}
}
