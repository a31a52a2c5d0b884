/**
 * Composition of the message catalogs: every feature's texts join the platform's, in both
 * languages. The app imports this once (src/app.tsx); the unit tests' setup does too
 * (test/support/messages.ts), so a page rendered without the app has every text.
 */
import { adminEn, adminSv } from './admin/messages.js';
import { casesEn, casesSv } from './cases/messages.js';
import { formatsEn, formatsSv } from './cases/formats-messages.js';
import { receiptEn, receiptSv } from './cases/receipt-messages.js';
import { addMessages } from './platform/i18n/index.js';
import { reportsEn, reportsSv } from './reports/messages.js';

addMessages('admin', { sv: adminSv, en: adminEn });
addMessages('cases', { sv: casesSv, en: casesEn });
addMessages('cases/formats', { sv: formatsSv, en: formatsEn });
addMessages('cases/receipt', { sv: receiptSv, en: receiptEn });
addMessages('reports', { sv: reportsSv, en: reportsEn });
