/**
 * Swedish: the source of the platform's own keys (every key must exist in en.ts, enforced by
 * `CatalogOf`). Features keep theirs in their own messages modules (see index.ts). Values are
 * strings or functions of named parameters.
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
  'layout.actingFor': (p: { org: string }) => `för ${p.org}`,
  'layout.changeOrg': 'Byt företag',
  'layout.errorPrefix': 'Fel:',
  'layout.demo': 'Demo – det här är inte myndighetens riktiga Kundwebben. Inget du gör här skickas till myndigheten.',
  'layout.chooseOrg': 'Välj företag',
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

  'org.select.unknown': 'Du kan inte företräda det företaget.',

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
  'error.quota_exceeded':
    'Organisationen har nått gränsen för utkast eller för lagrade bilagor. Ta bort utkast eller bilagor som inte behövs och försök igen. Inget har ändrats.',
  'error.method_not_enabled': 'Det inloggningssättet går inte att använda just nu.',
  'error.internal': 'Ett tekniskt fel uppstod. Försök igen om en stund. Kontakta IT-supporten om felet kvarstår.',
  'error.unavailable': 'Tjänsten är tillfälligt otillgänglig. Försök igen om en stund.',
  'error.reference': (p: { id: string }) => `Felreferens: ${p.id}`,
};

