/**
 * The login feature's texts, Swedish first (the source) and English. Joined into the
 * catalogs by the composition (src/messages.ts); the keys join the typed catalog below.
 */
import type { CatalogOf } from '../platform/i18n/catalog.js';

export const loginSv = {
  'login.title': 'Logga in i Kundwebben',
  'login.lead': 'Välj den e-legitimation du vill logga in med. Du behöver inte meddela oss vilket sätt du använder.',
  'login.enabledHeading': 'Inloggningssätt som fungerar nu',
  'login.start': (p: { method: string }) => `Logga in med ${p.method}`,
  'login.unavailable': 'Inloggningssättet är tillfälligt otillgängligt. Försök igen senare eller välj ett annat sätt.',
  'login.noneEnabled': 'Det går inte att logga in just nu. Kontakta IT-supporten om felet kvarstår.',
  'login.plannedHeading': 'Kommande inloggningssätt',
  'login.comingOn': (p: { when: string }) => `Kommer ${p.when}.`,
  'login.moreInfo': 'Läs mer om inloggningsalternativen och tidplanen i Kundwebbinfo',
  'login.sessionEnded': (p: { idle: string; lifetime: string }) =>
    `Du har loggats ut automatiskt för din säkerhet: en inloggning avslutas efter ${p.idle} utan aktivitet, och senast efter ${p.lifetime}. Logga in igen för att fortsätta. Det du har sparat finns kvar.`,
  'login.loggedOut': 'Du är nu utloggad.',
  'login.alreadyIn': 'Du är redan inloggad.',
  'login.toStart': 'Gå till startsidan',

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
  'start.chooseTitle': 'Välj företag',
  'start.chooseSubmit': 'Fortsätt',
  'start.chooseError': 'Välj det företag du företräder.',
  'start.chooseErrorTitle': 'Det här behöver du rätta:',
  'start.changeOrgLink': 'Byt företag',
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
};

export const loginEn = {
  'login.title': 'Log in to Kundwebben',
  'login.lead': 'Choose the e-ID you want to log in with. You do not need to tell us which one you use.',
  'login.enabledHeading': 'Login options that work now',
  'login.start': (p: { method: string }) => `Log in with ${p.method}`,
  'login.unavailable': 'This login option is temporarily unavailable. Try again later or choose another option.',
  'login.noneEnabled': 'Logging in is not possible right now. Contact IT support if the problem persists.',
  'login.plannedHeading': 'Upcoming login options',
  'login.comingOn': (p: { when: string }) => `Coming ${p.when}.`,
  'login.moreInfo': 'Read more about the login options and the timetable in Kundwebbinfo',
  'login.sessionEnded': (p: { idle: string; lifetime: string }) =>
    `You have been logged out automatically for your security: a login ends after ${p.idle} without activity, and after ${p.lifetime} at the latest. Log in again to continue. What you saved is kept.`,
  'login.loggedOut': 'You are now logged out.',
  'login.alreadyIn': 'You are already logged in.',
  'login.toStart': 'Go to the start page',

  'noAccount.title': 'You have no account in Kundwebben',
  'noAccount.body':
    "Your e-ID worked, but there is no active Kundwebben account for your personal identity number. Ask your organisation's administrator to register you as a user, or contact us.",
  'noAccount.contact': (p: { email: string }) => `Contact: ${p.email}`,

  'start.title': 'Start page',
  'start.welcome': (p: { name: string }) => `Welcome, ${p.name}`,
  'start.actingFor': (p: { org: string }) => `You are acting for ${p.org}.`,
  'start.chooseOrg': 'Choose which company you act for',
  'start.chooseOrgHint': 'You are a user at several companies. Cases and messages are shown for the company you choose.',
  'start.orgField': 'Company',
  'start.orgSubmit': 'Change company',
  'start.chooseTitle': 'Choose company',
  'start.chooseSubmit': 'Continue',
  'start.chooseError': 'Choose the company you act for.',
  'start.chooseErrorTitle': 'You need to correct this:',
  'start.changeOrgLink': 'Change company',
  'start.orgChanged': (p: { org: string }) => `You are now acting for ${p.org}.`,
  'start.noOrg': 'You are not connected to any company in Kundwebben.',
  'start.staff': 'You have access as a case officer at the agency.',
  'start.yourOrgs': 'Your companies',
  'start.role.user': 'User',
  'start.role.org_admin': 'Administrator',
  'start.loginInfo': (p: { method: string; at: string }) => `You logged in with ${p.method} ${p.at}.`,
  'start.personnummer': 'Personal identity number',
  'start.infoLink': 'Read about the new login options in Kundwebbinfo',

  'logout.button': 'Log out',

  'session.warning.title': 'You will soon be logged out',
  'session.warning.body': (p: { minutes: string }) =>
    `You have not done anything for a while. For your security you will be logged out in ${p.minutes} unless you choose to continue.`,
  'session.warning.stay': 'Stay logged in',
  'session.warning.logout': 'Log out now',
  'session.warning.extended': 'You are still logged in.',
  'session.warning.expired': 'You have been logged out because of inactivity.',
} satisfies CatalogOf<typeof loginSv>;

declare module '../platform/i18n/index.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds this feature's keys
  interface MessageCatalog extends CatalogOf<typeof loginSv> {}
}
