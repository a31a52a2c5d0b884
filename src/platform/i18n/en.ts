import type { CatalogOf } from './catalog.js';
import type { sv } from './sv.js';

/** English: must cover every key of the Swedish source catalog. */
export const en = {
  'lang.name': 'English',
  'lang.switchTo': 'På svenska',
  'lang.switchToLabel': 'Läs sidan på svenska',

  'site.name': 'Kundwebben',
  'site.agency': (p: { agency: string }) => `Kundwebben – ${p.agency}`,
  'layout.skip': 'Skip to main content',
  'layout.nav': 'Main menu',
  'layout.nav.start': 'Start page',
  'layout.nav.login': 'Log in',
  'layout.nav.info': 'Kundwebbinfo',
  'layout.nav.logout': 'Log out',
  'layout.loggedInAs': (p: { name: string }) => `Logged in as ${p.name}`,
  'layout.actingFor': (p: { org: string }) => `for ${p.org}`,
  'layout.changeOrg': 'Change company',
  'layout.errorPrefix': 'Error:',
  'layout.demo': 'Demo – this is not the agency’s real Kundwebben. Nothing you do here is sent to the agency.',
  'layout.chooseOrg': 'Choose company',
  'layout.footer': 'Footer',
  'layout.footer.accessibility': 'Accessibility statement',
  'layout.footer.info': 'Kundwebbinfo – login options',
  'layout.footer.contact': (p: { email: string }) => `Questions about Kundwebben: ${p.email}`,
  'layout.fraudWarning':
    'Government agencies, banks, serious companies and e-ID issuers never call you and ask you to log in with your e-ID.',

  'method.telia_card.name': 'ID card from Telia',
  'method.svenska_pass_card.name': 'ID card from Skatteverket (AB Svenska Pass)',
  'method.bankid.name': 'BankID',
  'method.telia_card.needs': 'You need your ID card, a card reader and the Net iD Client software.',
  'method.svenska_pass_card.needs':
    "You need your ID card from Skatteverket, a card reader and the new version of Net iD Client. The card must be activated for login.",
  'method.bankid.needs': 'You need the BankID app on your phone or computer. No ID card or card reader is needed.',

  'org.select.unknown': 'You cannot act for that company.',

  'date.week': (p: { week: number; year: string }) => `in week ${p.week}${p.year}`,
  'date.midMonth': (p: { month: string; year: string }) => `in mid-${p.month}${p.year}`,
  'date.month': (p: { month: string; year: string }) => `in ${p.month}${p.year}`,
  'date.day': (p: { day: number; month: string; year: string }) => `on ${p.day} ${p.month}${p.year}`,
  'date.since.week': (p: { week: number; year: string }) => `week ${p.week}${p.year}`,
  'date.months': 'January,February,March,April,May,June,July,August,September,October,November,December',

  'a11y.title': 'Accessibility statement',
  'a11y.intro': (p: { agency: string }) =>
    `${p.agency} is responsible for Kundwebben. We want as many people as possible to be able to use it. This statement describes how Kundwebben complies with the Swedish Act (2018:1937) on accessibility to digital public services, known accessibility problems and how you can report shortcomings so that we can fix them.`,
  'a11y.status.heading': 'How accessible is the service?',
  'a11y.status.body':
    'Kundwebben is designed to meet WCAG 2.1 level AA. Its pages work without JavaScript, can be used with a keyboard and a screen reader, and are checked automatically with the axe tool in a real browser on every change.',
  'a11y.known.heading': 'Known shortcomings',
  'a11y.known.card':
    "Logging in with an ID card uses the browser's and Net iD Client's own dialogs to choose a certificate and enter the PIN. We cannot change them.",
  'a11y.known.bankid':
    'The QR code for BankID on another device cannot be read by a screen reader. Choose BankID on this device instead, which needs no QR code.',
  'a11y.report.heading': 'Report shortcomings',
  'a11y.report.body': 'If you find problems not described here, or need content in another format, contact us:',
  'a11y.supervision.heading': 'Supervision',
  'a11y.supervision.body':
    'The Agency for Digital Government (Digg) supervises the Act on accessibility to digital public services. If you are not satisfied with how we handle your comments, you can contact Digg.',
  'a11y.assessed': (p: { date: string }) => `This statement was last updated on ${p.date}.`,

  'error.title': 'Something went wrong',
  'error.back': 'To the start page',
  'error.not_found': 'The page does not exist. Check the address or go to the start page.',
  'error.method_not_allowed': 'This action is not supported on the page.',
  'error.bad_request': 'The request could not be processed. Check the details and try again.',
  'error.csrf': 'The form has expired or was not sent from Kundwebben. Reload the page and try again. Nothing was saved.',
  'error.unauthenticated': 'You need to log in to see this page.',
  'error.session_expired': 'Your login has ended. Log in again. Nothing was changed.',
  'error.forbidden': 'You do not have access to this page.',
  'error.payload_too_large': 'What you sent is too large. Nothing was saved.',
  'error.unsupported_media_type': 'The format of what you sent is not supported. Nothing was saved.',
  'error.rate_limited': 'You have made too many attempts in a short time. Wait a minute and try again.',
  'error.unknown_language': 'That language is not available. Choose Swedish or English.',
  'error.invalid_redirect': 'The address to return to is not allowed.',
  'error.no_account': 'There is no Kundwebben account for your personal identity number.',
  'error.quota_exceeded':
    'Your organisation has reached its limit of drafts or of stored attachments. Delete drafts or attachments you no longer need and try again. Nothing was changed.',
  'error.method_not_enabled': 'That login option cannot be used right now.',
  'error.internal': 'A technical error occurred. Try again in a while. Contact IT support if the problem persists.',
  'error.unavailable': 'The service is temporarily unavailable. Try again in a while.',
  'error.reference': (p: { id: string }) => `Error reference: ${p.id}`,
} satisfies CatalogOf<typeof sv>;

