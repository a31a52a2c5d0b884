/** Test setup (vitest.config.ts): every feature's texts in the catalogs, as the app has them. */
import '../../src/messages.js';
