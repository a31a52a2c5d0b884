/**
 * Swedish: the source catalog. Every key here must exist in en.ts (enforced by the type
 * `Messages`). Values are strings or functions of named parameters.
 */
export const sv = {
  'lang.name': 'Svenska',
  'lang.switchTo': 'In English',
  'lang.switchToLabel': 'Read this page in English',

  'site.name': 'Kundwebben',
  'site.agency': (p: { agency: string }) => `Kundwebben – ${p.agency}`,
  'layout.skip': 'Hoppa till huvudinnehållet',
  'layout.nav': 'Huvudmeny',
  'layout.nav.start': 'Startsida',
  'layout.nav.login': 'Logga in',
  'layout.nav.info': 'Kundwebbinfo',
  'layout.nav.logout': 'Logga ut',
  'layout.loggedInAs': (p: { name: string }) => `Inloggad som ${p.name}`,
  'layout.footer': 'Sidfot',
  'layout.footer.accessibility': 'Tillgänglighetsredogörelse',
  'layout.footer.info': 'Kundwebbinfo – inloggningsalternativ',
  'layout.footer.contact': (p: { email: string }) => `Frågor om Kundwebben: ${p.email}`,
  'layout.fraudWarning':
    'Myndigheter, banker, seriösa företag och utfärdare av e-legitimationer ringer inte upp dig och ber dig logga in med din e-legitimation.',

  'method.telia_card.name': 'ID-kort från Telia',
  'method.svenska_pass_card.name': 'ID-kort från Skatteverket (AB Svenska Pass)',
  'method.bankid.name': 'BankID',
  'method.telia_card.needs': 'Du behöver ditt ID-kort, en kortläsare och programmet Net iD Client.',
  'method.svenska_pass_card.needs':
    'Du behöver ditt ID-kort från Skatteverket, en kortläsare och den nya versionen av Net iD Client. Kortet ska vara aktiverat för inloggning.',
  'method.bankid.needs': 'Du behöver BankID-appen i din mobil eller dator. Inget ID-kort eller kortläsare behövs.',

  'login.title': 'Logga in i Kundwebben',
  'login.lead': 'Välj den e-legitimation du vill logga in med. Du behöver inte meddela oss vilket sätt du använder.',
  'login.enabledHeading': 'Inloggningssätt som fungerar nu',
  'login.start': (p: { method: string }) => `Logga in med ${p.method}`,
  'login.unavailable': 'Inloggningssättet är tillfälligt otillgängligt. Försök igen senare eller välj ett annat sätt.',
  'login.noneEnabled': 'Det går inte att logga in just nu. Kontakta IT-supporten om felet kvarstår.',
  'login.plannedHeading': 'Kommande inloggningssätt',
  'login.comingOn': (p: { when: string }) => `Kommer ${p.when}.`,
  'login.moreInfo': 'Läs mer om inloggningsalternativen och tidplanen i Kundwebbinfo',
  'login.sessionEnded': 'Du har loggats ut. Logga in igen för att fortsätta.',
  'login.loggedOut': 'Du är nu utloggad.',
  'login.alreadyIn': 'Du är redan inloggad.',
  'login.toStart': 'Gå till startsidan',

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

  'noAccount.title': 'Du har inget konto i Kundwebben',
  'noAccount.body':
    'Din e-legitimation fungerade, men det finns inget aktivt konto i Kundwebben för ditt personnummer. Be din organisations administratör att anmäla dig som användare, eller kontakta oss.',
  'noAccount.contact': (p: { email: string }) => `Kontakt: ${p.email}`,

  'start.title': 'Startsida',
  'start.welcome': (p: { name: string }) => `Välkommen, ${p.name}`,
  'start.actingFor': (p: { org: string }) => `Du företräder ${p.org}.`,
  'start.chooseOrg': 'Välj vilket företag du företräder',
  'start.chooseOrgHint': 'Du är användare hos flera företag. Ärenden och meddelanden visas för det företag du väljer.',
  'start.orgField': 'Företag',
  'start.orgSubmit': 'Byt företag',
  'start.orgChanged': (p: { org: string }) => `Du företräder nu ${p.org}.`,
  'start.noOrg': 'Du är inte kopplad till något företag i Kundwebben.',
  'start.staff': 'Du har behörighet som handläggare hos myndigheten.',
  'start.yourOrgs': 'Dina företag',
  'start.role.user': 'Användare',
  'start.role.org_admin': 'Administratör',
  'start.loginInfo': (p: { method: string; at: string }) => `Du loggade in med ${p.method} ${p.at}.`,
  'start.personnummer': 'Personnummer',
  'start.infoLink': 'Läs om nya inloggningsalternativ i Kundwebbinfo',

  'logout.button': 'Logga ut',

  'session.warning.title': 'Du loggas snart ut',
  'session.warning.body': (p: { minutes: string }) =>
    `Du har inte gjort något på en stund. Av säkerhetsskäl loggas du ut om ${p.minutes} om du inte väljer att fortsätta.`,
  'session.warning.stay': 'Fortsätt vara inloggad',
  'session.warning.logout': 'Logga ut nu',
  'session.warning.extended': 'Du är fortfarande inloggad.',
  'session.warning.expired': 'Du har loggats ut på grund av inaktivitet.',

  'org.select.unknown': 'Du kan inte företräda det företaget.',

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
  'info.netid.howTo': 'Så får du den nya versionen:',
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

  'date.week': (p: { week: number; year: string }) => `vecka ${p.week}${p.year}`,
  'date.midMonth': (p: { month: string; year: string }) => `i mitten av ${p.month}${p.year}`,
  'date.month': (p: { month: string; year: string }) => `${p.month}${p.year}`,
  'date.day': (p: { day: number; month: string; year: string }) => `${p.day} ${p.month}${p.year}`,
  'date.since.week': (p: { week: number; year: string }) => `vecka ${p.week}${p.year}`,
  'date.months': 'januari,februari,mars,april,maj,juni,juli,augusti,september,oktober,november,december',

  'a11y.title': 'Tillgänglighetsredogörelse',
  'a11y.intro': (p: { agency: string }) =>
    `${p.agency} står bakom Kundwebben. Vi vill att så många som möjligt ska kunna använda tjänsten. Här beskriver vi hur Kundwebben uppfyller lagen (2018:1937) om tillgänglighet till digital offentlig service, kända tillgänglighetsproblem och hur du kan rapportera brister till oss så att vi kan åtgärda dem.`,
  'a11y.status.heading': 'Hur tillgänglig är tjänsten?',
  'a11y.status.body':
    'Kundwebben är utformad för att uppfylla WCAG 2.1 nivå AA. Sidorna fungerar utan JavaScript, kan användas med tangentbord och skärmläsare, och testas automatiskt med verktyget axe i en riktig webbläsare vid varje ändring.',
  'a11y.known.heading': 'Kända brister',
  'a11y.known.card':
    'Inloggning med ID-kort använder webbläsarens och Net iD Clients egna dialogrutor för att välja certifikat och ange PIN-kod. Dem kan vi inte påverka.',
  'a11y.known.bankid':
    'QR-koden för BankID på en annan enhet kan inte läsas av en skärmläsare. Välj i stället BankID på samma enhet, som inte kräver QR-kod.',
  'a11y.report.heading': 'Rapportera brister',
  'a11y.report.body': 'Om du upptäcker problem som inte beskrivs här, eller behöver innehåll i ett annat format, kontakta oss:',
  'a11y.supervision.heading': 'Tillsyn',
  'a11y.supervision.body':
    'Myndigheten för digital förvaltning (Digg) har ansvaret för tillsyn över lagen om tillgänglighet till digital offentlig service. Om du inte är nöjd med hur vi hanterar dina synpunkter kan du kontakta Digg.',
  'a11y.assessed': (p: { date: string }) => `Redogörelsen uppdaterades senast ${p.date}.`,

  'error.title': 'Något gick fel',
  'error.back': 'Till startsidan',
  'error.not_found': 'Sidan finns inte. Kontrollera adressen eller gå till startsidan.',
  'error.method_not_allowed': 'Den här åtgärden stöds inte på sidan.',
  'error.bad_request': 'Förfrågan kunde inte behandlas. Kontrollera uppgifterna och försök igen.',
  'error.csrf':
    'Formuläret har gått ut eller skickades inte från Kundwebben. Ladda om sidan och försök igen. Inget har sparats.',
  'error.unauthenticated': 'Du behöver logga in för att se sidan.',
  'error.session_expired': 'Din inloggning har upphört. Logga in igen. Inget har ändrats.',
  'error.forbidden': 'Du har inte behörighet till sidan.',
  'error.payload_too_large': 'Det du skickade är för stort. Inget har sparats.',
  'error.unsupported_media_type': 'Formatet på det du skickade stöds inte. Inget har sparats.',
  'error.rate_limited': 'Du har gjort för många försök på kort tid. Vänta en minut och försök igen.',
  'error.unknown_language': 'Språket finns inte. Välj svenska eller engelska.',
  'error.invalid_redirect': 'Adressen att återvända till är inte tillåten.',
  'error.no_account': 'Det finns inget konto i Kundwebben för ditt personnummer.',
  'error.method_not_enabled': 'Det inloggningssättet går inte att använda just nu.',
  'error.internal': 'Ett tekniskt fel uppstod. Försök igen om en stund. Kontakta IT-supporten om felet kvarstår.',
  'error.unavailable': 'Tjänsten är tillfälligt otillgänglig. Försök igen om en stund.',
  'error.reference': (p: { id: string }) => `Felreferens: ${p.id}`,

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

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

type Widen<T> = T extends (...args: infer A) => string ? (...args: A) => string : string;
export type Messages = { readonly [K in keyof typeof sv]: Widen<(typeof sv)[K]> };
export type MessageKey = keyof Messages;
