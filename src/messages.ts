/**
 * Composition of the message catalogs: every feature's texts join the platform's, in both
 * languages. The app imports this once (src/app.tsx); the unit tests' setup does too
 * (test/support/messages.ts), so a page rendered without the app has every text.
 */
import { accountsEn, accountsSv } from './accounts/messages.js';
import { adminEn, adminSv } from './admin/messages.js';
import { bankidEn, bankidSv } from './bankid/messages.js';
import { cardEn, cardSv } from './card/messages.js';
import { casesEn, casesSv } from './cases/messages.js';
import { formatsEn, formatsSv } from './cases/formats-messages.js';
import { receiptEn, receiptSv } from './cases/receipt-messages.js';
import { infoEn, infoSv } from './info/messages.js';
import { loginEn, loginSv } from './login/messages.js';
import { addMessages } from './platform/i18n/index.js';
import { organisationEn, organisationSv } from './organisation/messages.js';
import { reportsEn, reportsSv } from './reports/messages.js';
import { retentionEn, retentionSv } from './retention/messages.js';
import { selftestEn, selftestSv } from './selftest/messages.js';
import { signingEn, signingSv } from './signing/messages.js';

addMessages('accounts', { sv: accountsSv, en: accountsEn });
addMessages('admin', { sv: adminSv, en: adminEn });
addMessages('bankid', { sv: bankidSv, en: bankidEn });
addMessages('card', { sv: cardSv, en: cardEn });
addMessages('cases', { sv: casesSv, en: casesEn });
addMessages('cases/formats', { sv: formatsSv, en: formatsEn });
addMessages('cases/receipt', { sv: receiptSv, en: receiptEn });
addMessages('info', { sv: infoSv, en: infoEn });
addMessages('login', { sv: loginSv, en: loginEn });
addMessages('organisation', { sv: organisationSv, en: organisationEn });
addMessages('reports', { sv: reportsSv, en: reportsEn });
addMessages('retention', { sv: retentionSv, en: retentionEn });
addMessages('selftest', { sv: selftestSv, en: selftestEn });
addMessages('signing', { sv: signingSv, en: signingEn });
