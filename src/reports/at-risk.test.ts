import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../test/support/databases.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { freePort } from '../../test/support/ports.js';
import {
  CARL,
  EBBA,
  EKBERG,
  GUNNAR,
  HEDDA,
  KIM,
  NORDVIK,
  OLLE,
  SARA,
  seedAtRiskScenario,
  SKARGARDEN,
  T1,
  T2,
  TESTA,
  TOLVAN,
  ULLA,
} from '../../test/support/at-risk-scenario.js';
import type { MethodId } from '../identity/methods.js';
import { loginsPerMonth } from './login-chart.js';

// ---------------------------------------------------------------------------------------
// An SMTP server in this process that keeps what it receives, and just enough MIME decoding
// (encoded-word headers, quoted-printable/base64 bodies) to read nodemailer's messages.

interface ReceivedMail {
  envelopeTo: string[];
  headers: Record<string, string>;
  text: string;
}

function bytesToUtf8(encoded: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const hex = /^=([0-9A-Fa-f]{2})/.exec(encoded.slice(i, i + 3));
    if (hex) {
      bytes.push(parseInt(hex[1]!, 16));
      i += 2;
    } else bytes.push(encoded.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
      enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : bytesToUtf8(text.replace(/_/g, ' ')),
    );
}

function parseMail(raw: string, envelopeTo: string[]): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = decodeHeader(line.slice(colon + 1).trim());
  }
  const body = raw.slice(split + 4);
  const encoding = headers['content-transfer-encoding']?.toLowerCase();
  const text =
    encoding === 'quoted-printable'
      ? bytesToUtf8(body.replace(/=\r\n/g, ''))
      : encoding === 'base64'
        ? Buffer.from(body, 'base64').toString('utf8')
        : body;
  return { envelopeTo, headers, text: text.replace(/\r\n/g, '\n') };
}

async function startSmtpSink(): Promise<{ port: number; received: ReceivedMail[]; close(): Promise<void> }> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    // No STARTTLS: the plain test server; KW_SMTP_REQUIRE_TLS=false is set for it (test mode only).
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push(parseMail(Buffer.concat(chunks).toString('latin1'), session.envelope.rcptTo.map((r) => r.address)));
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** `data-personnummer` of the rows of one table of the page, in order. */
function listed(html: string, table: string): string[] {
  const start = html.indexOf(`data-table="${table}"`);
  if (start < 0) return [];
  const section = html.slice(start, html.indexOf('</table>', start));
  return [...section.matchAll(/data-personnummer="(\d+)"/g)].map((m) => m[1]!);
}

/** Per-organisation rows: orgnr → [card at risk, not since change, people]. */
function perOrganisation(html: string): Record<string, number[]> {
  const start = html.indexOf('data-table="per-organisation"');
  const section = html.slice(start, html.indexOf('</table>', start));
  const out: Record<string, number[]> = {};
  for (const row of section.matchAll(/<tr data-orgnr="(\w+)">(.*?)<\/tr>/g)) {
    out[row[1]!] = [...row[2]!.matchAll(/<td>(\d+)<\/td>/g)].map((m) => Number(m[1]));
  }
  return out;
}

for (const kind of DATABASE_KINDS) {
  describe(`at-risk report (${kind.name})`, () => {
    let t: TestApp;
    let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
    let closeDb: () => Promise<void>;
    let admin: { cookie: string; csrf: string };
    const page = (query = '', cookie = admin.cookie) => t.app.inject({ url: `/admin/at-risk${query}`, headers: { cookie } });
    const remind = (payload: Record<string, string>, who = admin) =>
      t.app.inject({ method: 'POST', url: '/admin/at-risk/reminders', headers: { cookie: who.cookie }, payload: { _csrf: who.csrf, ...payload } });

    beforeAll(async () => {
      smtp = await startSmtpSink();
      const opened = await kind.open();
      closeDb = () => opened.close();
      t = await startTestApp({
        db: opened.db,
        database: opened.database,
        env: { KW_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, KW_SMTP_REQUIRE_TLS: 'false', KW_MAIL_FROM: 'Kundwebben <noreply@isp.example>' },
      });
      await seedAtRiskScenario(t);
      admin = await t.loginAs(HEDDA);
    });
    afterAll(async () => {
      await t.close();
      await closeDb();
      await smtp.close();
    });

    it('counts successful logins per method and local month over the last twelve months', async () => {
      const chart = await loginsPerMonth({ db: t.services.db, methods: await t.services.plan.methods(), now: t.clock.now(), timeZone: 'Europe/Stockholm' });
      expect(chart.methods).toEqual(['telia_card', 'bankid']); // Skatteverket's card has neither started nor been used
      expect(chart.months.map((m) => `${m.year}-${m.month}:${m.counts.telia_card}/${m.counts.bankid}`)).toEqual([
        '2025-12:0/0',
        '2026-1:3/0',
        '2026-2:0/0',
        '2026-3:0/0',
        '2026-4:0/0',
        '2026-5:1/0',
        '2026-6:0/1',
        '2026-7:0/0',
        '2026-8:0/0',
        '2026-9:0/0',
        '2026-10:0/0',
        '2026-11:2/0', // one seeded, one Hedda's login
      ]);
      expect(chart.totals).toEqual({ telia_card: 6, svenska_pass_card: 0, bankid: 1 });

      const html = (await page()).body;
      expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="logins-chart-title logins-chart-desc"/);
      expect(html).toContain('<title id="logins-chart-title">Inloggningar per månad och inloggningssätt</title>');
      expect(html).toContain('<desc id="logins-chart-desc">december 2025 – november 2026. Totalt: ID-kort från Telia: 6, BankID: 1.');
      expect(html).toContain('stroke-dasharray="2 4"'); // BankID: dotted, not only another colour
      expect(html).toContain('<caption>Inloggningar per månad och inloggningssätt, december 2025 – november 2026</caption>');
      expect(html).toContain('<th scope="row">januari 2026</th><td>3</td><td>0</td><td>3</td>');
      expect(html).toContain('<th scope="row">juni 2026</th><td>0</td><td>1</td><td>1</td>');
      expect(html).toContain('<th scope="row">Totalt</th><td>6</td><td>1</td><td>7</td>');
    });

    it('lists people whose only recent method is a card expiring before the next method, and people who never logged in', async () => {
      const res = await page();
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const html = res.body;
      expect(html).toContain('<h1>Personer som riskerar att stå utan inloggning</h1>');
      // Default cut-off: Skatteverket's card, week 35 2027 (Monday 30 August).
      expect(html).toContain('value="2027-08-30"');
      expect(html).toContain('Enda inloggningssättet är ett ID-kort som går ut före 30 augusti 2027');
      expect(html).toContain('Datumet är när nästa inloggningssätt, ID-kort från Skatteverket (AB Svenska Pass), planeras att införas.');
      expect(listed(html, 'card-at-risk')).toEqual([EBBA, KIM, TOLVAN, ULLA]);
      // Only the Telia card has started: "since the change" means never logged in. Inga is inactive.
      expect(html).toContain('Har inte loggat in sedan ID-kort från Telia infördes 1 januari 2012');
      expect(listed(html, 'not-since-change')).toEqual([CARL, OLLE, SARA]);
      expect(perOrganisation(html)).toEqual({ [EKBERG]: [1, 2, 3], [NORDVIK]: [2, 0, 2], [SKARGARDEN]: [2, 0, 2], none: [0, 1, 1] });
      // What staff need to act: names, personnummer, organisations, method, expiry, last login.
      expect(html).toContain('<th scope="row">Ulla Utgången</th><td>19550305-1236</td><td><span>Ekbergs Optronik AB (556123-4567)</span></td><td>ID-kort från Telia</td><td>1 november 2026<strong> (har gått ut)</strong></td><td>1 augusti 2026 (ID-kort från Telia)</td>');
      expect(html).toContain('<th scope="row">Olle Oinloggad</th><td>19600412-2344</td><td><span>Ekbergs Optronik AB (556123-4567)</span></td><td>Aldrig</td>');
      expect(html).toContain('<th scope="row">Carl Caseofficer</th><td>19681201-7892</td><td>Myndighetens personal</td>');
    });

    it('follows the chosen date and number of months', async () => {
      let html = (await page('?before=2027-01-20')).body;
      expect(listed(html, 'card-at-risk')).toEqual([KIM, ULLA]);
      expect(html).toContain('Du har valt datumet själv.');
      html = (await page('?months=36')).body;
      expect(listed(html, 'card-at-risk')).toEqual([EBBA, GUNNAR, KIM, TOLVAN, ULLA]);
      html = (await page('?before=2027-01-20&months=1')).body;
      expect(listed(html, 'card-at-risk')).toEqual([]); // nobody logged in during the last month with such a card
    });

    it('refuses a bad date or number of months with a translated error summary, and sends nothing', async () => {
      let res = await page('?before=2027-02-30&months=abc');
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('<title>Fel: Personer som riskerar att stå utan inloggning – Kundwebben</title>');
      expect(res.body).toMatch(/role="alert" aria-labelledby="error-summary-title"/);
      expect(res.body).toContain('<a href="#before">Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2027-08-30.</a>');
      expect(res.body).toContain('<a href="#months">Ange antalet månader som ett heltal från 1 till 60.</a>');
      expect(res.body).toContain('aria-describedby="before-hint before-error" aria-invalid="true"');
      expect(res.body).not.toContain('data-table="card-at-risk"');

      res = await t.app.inject({ url: '/admin/at-risk?before=x', headers: { cookie: `${admin.cookie}; kw_lang=en` } });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Enter the date as YYYY-MM-DD, for example 2027-08-30.');

      res = await remind({ before: '2027-13-01', months: '12' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Ange datumet som ÅÅÅÅ-MM-DD');
      expect(smtp.received).toHaveLength(0);
      expect(await t.services.audit.list({ event: 'reminder_sent' })).toHaveLength(0);
    });

    it('e-mails each listed person with an address once, in Swedish with English below, and audits each without the address or text', async () => {
      let html = (await page()).body;
      expect(html).toContain('7 personer på listorna.');
      expect(html).toContain('2 av dem saknar e-postadress.');
      expect(html).toContain('Skicka påminnelse till 5 personer');

      const res = await remind({ before: '', months: '' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Skickade: 5.');
      expect(res.body).toContain('Hoppades över, har fått en påminnelse de senaste 7 dagarna: 0.');
      expect(res.body).toContain('Hoppades över, saknar e-postadress: 2.'); // Ebba has none; Carl's is not one plain address

      expect(smtp.received.map((m) => m.envelopeTo).sort()).toEqual([
        ['kim@skargarden.example'],
        ['olle@ekberg.example'],
        ['sara@ekberg.example'],
        ['tolvan@nordvik.example'],
        ['ulla@ekberg.example'],
      ]);
      expect(JSON.stringify(smtp.received)).not.toContain('evil.example');
      const ulla = smtp.received.find((m) => m.envelopeTo[0] === 'ulla@ekberg.example')!;
      expect(ulla.headers['subject']).toBe('Kundwebben: se till att du kan logga in / Kundwebben: make sure you can log in');
      expect(ulla.headers['from']).toBe('Kundwebben <noreply@isp.example>');
      expect(ulla.headers['to']).toBe('Ulla Utgången <ulla@ekberg.example>');
      const [sv, en] = ulla.text.split('-'.repeat(40));
      expect(sv).toContain('Hej Ulla Utgången!');
      expect(sv).toContain('- ditt ID-kort från Telia gick ut 1 november 2026.');
      expect(sv).toContain('- ID-kort från Telia: fungerar nu.');
      expect(sv).toContain('- ID-kort från Skatteverket (AB Svenska Pass): planeras vecka 35 2027.');
      expect(sv).toContain('- BankID: planeras i mitten av september 2027.');
      expect(sv).toContain('Läs mer om inloggningssätten och tidplanen i Kundwebbinfo: http://localhost:3000/info');
      expect(en).toContain('Hello Ulla Utgången,');
      expect(en).toContain('- your ID card from Telia expired on 1 November 2026.');
      expect(en).toContain('Kundwebbinfo: http://localhost:3000/info');
      const olle = smtp.received.find((m) => m.envelopeTo[0] === 'olle@ekberg.example')!;
      expect(olle.text).toContain('- du inte har loggat in i Kundwebben ännu.');

      const events = await t.services.audit.list({ event: 'reminder_sent' });
      expect(events.map((e) => e.subject).sort()).toEqual([KIM, OLLE, SARA, TOLVAN, ULLA].sort());
      for (const e of events) {
        expect(e.actor).toBe(HEDDA);
        expect(e.details).toMatchObject({ transport: 'smtp' });
        expect(JSON.stringify(e.details)).not.toMatch(/\.example"|ekberg|nordvik|skargarden|Hej|Hello/); // a message id, never the address or text
      }
      expect(events.find((e) => e.subject === ULLA)?.details?.['reasons']).toEqual(['card_expired']);
      expect(events.find((e) => e.subject === OLLE)?.details?.['reasons']).toEqual(['never_logged_in']);

      html = (await page()).body;
      expect(html).toContain('5 av dem har fått en påminnelse de senaste 7 dagarna.');
      expect(html).toContain('Det finns ingen att skicka en påminnelse till just nu.');
    });

    it('sends nothing to anyone reminded within 7 days, and reminds again after that', async () => {
      let res = await remind({});
      expect(res.body).toContain('Skickade: 0.');
      expect(res.body).toContain('Hoppades över, har fått en påminnelse de senaste 7 dagarna: 5.');
      t.clock.set('2026-12-04T09:00:00.000Z'); // six days later
      admin = await t.loginAs(HEDDA);
      res = await remind({});
      expect(res.body).toContain('Skickade: 0.');
      expect(smtp.received).toHaveLength(5);
      t.clock.set('2026-12-05T10:00:00.000Z'); // seven days and an hour later
      admin = await t.loginAs(HEDDA);
      res = await remind({});
      expect(res.body).toContain('Skickade: 5.');
      expect(smtp.received).toHaveLength(10);
      t.clock.set(T1);
      admin = await t.loginAs(HEDDA);
    });

    it('answers 401 to anonymous visitors and 403 to company users and case officers on every route, sending nothing', async () => {
      const before = smtp.received.length;
      const routes = [
        { method: 'GET' as const, url: '/admin/at-risk' },
        { method: 'POST' as const, url: '/admin/at-risk/reminders' },
        { method: 'GET' as const, url: '/admin/outbox' },
      ];
      for (const r of routes) {
        expect((await t.app.inject(r)).statusCode, `${r.method} ${r.url}`).toBe(401);
        expect((await t.app.inject({ ...r, headers: { accept: 'application/json' } })).json()).toMatchObject({ error: { code: 'unauthenticated' } });
      }
      for (const who of [TESTA, CARL]) {
        const user = await t.loginAs(who);
        for (const r of routes) {
          const res = await t.app.inject({ ...r, headers: { cookie: user.cookie }, ...(r.method === 'POST' ? { payload: { _csrf: user.csrf } } : {}) });
          expect(res.statusCode, `${who} ${r.method} ${r.url}`).toBe(403);
          expect(res.body).toContain('Du har inte behörighet till sidan.');
        }
      }
      expect(smtp.received).toHaveLength(before);
      // With a real mail server configured there is no demo outbox.
      expect((await t.app.inject({ url: '/admin/outbox', headers: { cookie: admin.cookie } })).statusCode).toBe(404);
    });

    it('after BankID has started: counts from the latest method change and warns about Skatteverket cards too', async () => {
      const login = (personnummer: string, method: MethodId, at: string, notAfter?: string) => {
        t.clock.set(at);
        return t.services.login.login({
          personnummer,
          method,
          evidence: notAfter ? { certificate: { issuer: 'CN=AB Svenska Pass', serial: '02', notAfter: new Date(notAfter) } } : {},
          previous: undefined,
          ip: null,
        });
      };
      expect((await login(TESTA, 'svenska_pass_card', '2027-09-01T10:00:00.000Z', '2027-10-15T12:00:00.000Z')).ok).toBe(true);
      expect((await login(TOLVAN, 'bankid', '2027-09-16T10:00:00.000Z')).ok).toBe(true);
      expect((await login(SARA, 'svenska_pass_card', '2027-09-18T10:00:00.000Z', '2027-10-31T12:00:00.000Z')).ok).toBe(true);
      t.clock.set(T2);
      admin = await t.loginAs(HEDDA);

      const html = (await page()).body;
      // Nothing planned any more: the default is the user warning window (60 days).
      expect(html).toContain('value="2027-11-19"');
      expect(html).toContain('Inget nytt inloggningssätt är planerat, så datumet är om 60 dagar');
      // Tolvan now also uses BankID; Testa's second method is Skatteverket's card; Kim's card was not used in 12 months.
      expect(listed(html, 'card-at-risk')).toEqual([EBBA, SARA]);
      expect(html).toContain('Har inte loggat in sedan BankID infördes i mitten av september 2027');
      expect(listed(html, 'not-since-change')).toEqual([CARL, EBBA, GUNNAR, KIM, OLLE, TESTA, ULLA]);
      expect(perOrganisation(html)).toEqual({ [EKBERG]: [1, 3, 4], [NORDVIK]: [1, 2, 2], [SKARGARDEN]: [0, 1, 1], none: [0, 1, 1] });
      expect(html).toContain('<th scope="row">Sara Skattekort</th><td>19730909-6787</td><td><span>Ekbergs Optronik AB (556123-4567)</span></td><td>ID-kort från Skatteverket (AB Svenska Pass)</td><td>31 oktober 2027</td>');
      expect(html).toContain('<th scope="row">september 2027</th><td>1</td><td>2</td><td>1</td><td>4</td>'); // Hedda (Telia), Testa + Sara, Tolvan
    });

    it('speaks English', async () => {
      const res = await t.app.inject({ url: '/admin/at-risk', headers: { cookie: `${admin.cookie}; kw_lang=en` } });
      expect(res.body).toContain('<h1>People at risk of being left without a login</h1>');
      expect(res.body).toContain('Not logged in since BankID was introduced in mid-September 2027');
      expect(res.body).toContain('<title id="logins-chart-title">Logins per month and login method</title>');
    });
  });
}

describe('reminders in test mode without SMTP: the demo outbox', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await seedAtRiskScenario(t);
  });
  afterAll(() => t.close());

  it('puts the messages in the outbox, shown to administrators and clearly labelled', async () => {
    const admin = await t.loginAs(HEDDA);
    let res = await t.app.inject({ url: '/admin/at-risk', headers: { cookie: admin.cookie } });
    expect(res.body).toContain('Demoläge: e-posten skickas inte på riktigt utan hamnar i <a href="/admin/outbox">Demo-utkorgen</a>');
    res = await t.app.inject({ method: 'POST', url: '/admin/at-risk/reminders', headers: { cookie: admin.cookie }, payload: { _csrf: admin.csrf } });
    expect(res.body).toContain('Skickade: 5.');
    expect(t.services.mail.outbox?.entries().map((e) => e.to.address).sort()).toEqual([
      'kim@skargarden.example',
      'olle@ekberg.example',
      'sara@ekberg.example',
      'tolvan@nordvik.example',
      'ulla@ekberg.example',
    ]);
    res = await t.app.inject({ url: '/admin/outbox', headers: { cookie: admin.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Demo-utkorgen</h1>');
    expect(res.body).toContain('inga e-postmeddelanden skickas');
    expect(res.body).toContain('5 meddelanden, det senaste först.');
    expect(res.body).toContain('Ulla Utgången &lt;ulla@ekberg.example>');
    expect(res.body).toContain('<pre class="sign-text" lang="sv">(English version below.)');
    const events = await t.services.audit.list({ event: 'reminder_sent' });
    expect(events.map((e) => e.details?.['transport'])).toEqual(['outbox', 'outbox', 'outbox', 'outbox', 'outbox']);
  });
});

describe('a mail server without STARTTLS while TLS is required', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startTestApp({ env: { KW_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, KW_MAIL_FROM: 'noreply@isp.example' } });
    await seedAtRiskScenario(t);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('never sends a reminder in clear text: each attempt fails and is audited, and after three the rest wait', async () => {
    const admin = await t.loginAs(HEDDA);
    const res = await t.app.inject({ method: 'POST', url: '/admin/at-risk/reminders', headers: { cookie: admin.cookie }, payload: { _csrf: admin.csrf } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Skickade: 0.');
    expect(res.body).toContain('Kunde inte skickas, e-postservern svarade med fel: 3.');
    expect(res.body).toContain('Skickades inte eftersom e-postservern slutade svara: 2.');
    expect(smtp.received).toHaveLength(0);
    const failed = await t.services.audit.list({ event: 'reminder_failed' });
    expect(failed).toHaveLength(3);
    expect(failed[0]?.details).toMatchObject({ transport: 'smtp', error: expect.stringMatching(/^E/) as unknown });
    expect(await t.services.audit.list({ event: 'reminder_sent' })).toHaveLength(0);
  });
});
