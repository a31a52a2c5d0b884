/**
 * Text from outside in the audit log: a certificate's issuer name (recorded when a card
 * login is refused) and whatever else reaches an event's subject or details may carry
 * Unicode bidi controls, line and paragraph separators and other control characters. On the
 * admin audit page and in its CSV export none of them may come out raw: shown raw they
 * reorder what the admin reads, or split one value into what looks like more lines or rows.
 * Each test opens with the attack and the invariant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinguishedName, OID, signCertificate } from '../../devtools/test-pki/certificates.js';
import { generateKeyPair, randomSerial } from '../../devtools/test-pki/crypto.js';
import { startCardTestbed, type CardTestbed } from '../../test/support/card.js';

const HEDDA = '196408231238'; // staff: admin

/** Every character that must not reach the page or the CSV raw. */
const RAW = ['\u202E', '\u202A', '\u2066', '\u2069', '\u200F', '\u061C', '\u2028', '\u2029', '\u0085', '\u007F', '\u0007'];
/** An issuer name that reads "Bank … CA" and, shown raw, reverses "exe.pdf" and breaks into fake lines. */
const ISSUER_CN = 'Svensk \u202Efdp.exe\u202C Bank\u2066 CA\u2069\u2028id,at,event\u2029\u200F\u061C';
/** What an event's details carry besides: C0 and C1 controls and DEL, which JSON leaves raw but for C0. */
const NOTE = 'line\u2028break\u2029paragraph\u2066isolate\u2069 bell\u0007 next-line\u0085 delete\u007F';

let tb: CardTestbed;
let admin: { cookie: string; csrf: string };

beforeAll(async () => {
  tb = await startCardTestbed();
  const t = tb.t;
  // A certificate issued by a CA the portal does not know, whose name the refusal records.
  const now = t.clock.now();
  const ca = await signCertificate({
    subject: distinguishedName([
      [OID.country, 'SE'],
      [OID.commonName, ISSUER_CN],
    ]),
    keys: await generateKeyPair(),
    serial: randomSerial(),
    notBefore: new Date(now.getTime() - 86_400_000),
    notAfter: new Date(now.getTime() + 86_400_000),
    extensions: [],
  });
  const leaf = await signCertificate({
    subject: distinguishedName([[OID.commonName, 'Tolvan Tolvansson']]),
    keys: await generateKeyPair(),
    issuer: ca,
    serial: randomSerial(),
    notBefore: new Date(now.getTime() - 86_400_000),
    notAfter: new Date(now.getTime() + 86_400_000),
    extensions: [],
  });
  const cardLogin = t.services.cardLogin;
  if (!cardLogin) throw new Error('card login is not configured');
  const refused = await cardLogin.authenticate({ der: leaf.der, state: 'state', ip: '127.0.0.1' });
  expect(refused).toEqual({ ok: false, code: 'unknown_issuer' });
  // An event whose plain columns (subject) carry such characters too, a formula included.
  await t.services.audit.record({
    event: 'login_failed',
    outcome: 'failure',
    subject: '=cmd\u2028\u202Eevil\r\nx',
    ip: '10.0.0.1\u2029',
    details: { reason: 'test', note: NOTE },
  });
  admin = await t.loginAs(HEDDA);
}, 120_000);
afterAll(() => tb.close());

const get = (url: string) => tb.t.app.inject({ url, headers: { cookie: admin.cookie } });

describe('control and bidi characters from a certificate and other outside text in the audit log', () => {
  it('attack: a card certificate whose issuer name holds U+202E, U+2066, U+2028, U+2029 and other controls is refused and audited → invariant: the audit page shows each one escaped (\\u202E, marked), none raw', async () => {
    const stored = await tb.t.services.audit.list({ event: 'login_failed', limit: 10 });
    expect(stored.some((e) => JSON.stringify(e.details).includes('\u202E'))).toBe(true); // the attack reached the log

    const page = await get('/admin/audit?event=login_failed');
    expect(page.statusCode).toBe(200);
    for (const char of RAW) expect(page.body.includes(char), `U+${char.codePointAt(0)?.toString(16)} raw on the page`).toBe(false);
    expect(page.body.match(/<tr data-event=/g)).toHaveLength(2);
    for (const code of ['202E', '202C', '2066', '2069', '2028', '2029', '200F', '061C', '0085', '007F'])
      expect(page.body).toContain(`<span class="control-char" title="U+${code}">\\u${code}</span>`);
    // The readable parts stay readable, in their order.
    expect(page.body).toContain('Svensk <span class="control-char" title="U+202E">\\u202E</span>fdp.exe');
  });

  it('attack: the same events exported as CSV → invariant: no raw control code point, exactly one line per event, the details still the same JSON, formulas still defused', async () => {
    const res = await get('/admin/audit.csv?event=login_failed');
    expect(res.statusCode).toBe(200);
    const body = res.body;
    for (const char of RAW) expect(body.includes(char), `U+${char.codePointAt(0)?.toString(16)} raw in the CSV`).toBe(false);
    // Every way a reader might start a new line: only the CRLF after each row.
    const lines = body.replace(/^\uFEFF/, '').split(/\r\n|[\r\n\u2028\u2029\u0085\v\f]/);
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(1 + 2 + 1);
    expect(lines[0]).toBe('id,at,event,outcome,actor,subject,ip,details');
    const rows = lines.slice(1, -1);
    const recorded = rows.find((line) => line.includes('test'));
    expect(recorded).toContain(`,'=cmd\\u2028\\u202Eevil\\u000D\\u000Ax,10.0.0.1\\u2029,`);
    // The details cell parses back to exactly what was recorded.
    const detailsOf = (line: string) => JSON.parse((/,"(\{.*\})"$/.exec(line)?.[1] ?? '').replace(/""/g, '"')) as Record<string, unknown>;
    expect(detailsOf(recorded ?? '')).toEqual({ reason: 'test', note: NOTE });
    const refusal = rows.find((line) => line.includes('unknown_issuer')) ?? '';
    const stored = (await tb.t.services.audit.list({ event: 'login_failed', limit: 10 })).find((e) => e.details?.['reason'] === 'unknown_issuer');
    expect(detailsOf(refusal)).toEqual(stored?.details);
    expect(String(detailsOf(refusal)['detail'])).toContain('Svensk \u202Efdp.exe\u202C Bank\u2066 CA\u2069\u2028id');
    for (const line of rows) expect(line).not.toMatch(/(^|,)"?[=+\-@]/);
  });
});
