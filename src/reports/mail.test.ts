import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, testConfig } from '../config/config.js';
import { loadPlanFile } from '../login/plan-file.js';
import type { PlannedMethod } from '../login/plan.js';
import { ManualClock } from '../platform/clock.js';
import { createDemoOutbox, createPacer } from './mail.js';
import { composeReminder } from './reminder-mail.js';

const PROD_OK = { KW_MODE: 'production', KW_SESSION_SECRET: 'x'.repeat(40), KW_PUBLIC_URL: 'https://kundwebben.example.se', KW_SEAL_P12_FILE: '/etc/kundwebben/seal.p12', KW_SEAL_P12_PASSWORD: 'a-seal-password', KW_TSA_URL: 'https://tsa.example.se/tsa', KW_TSA_CA_FILE: '/etc/kundwebben/tsa-roots.pem' };

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('mail configuration', () => {
  it('refuses to start in production with an SMTP connection that may fall back to clear text', () => {
    expect(problems({ ...PROD_OK, KW_SMTP_URL: 'smtp://mail.example.se:587', KW_SMTP_REQUIRE_TLS: 'false', KW_MAIL_FROM: 'noreply@isp.se' })).toEqual([
      'KW_SMTP_REQUIRE_TLS cannot be turned off in production: use smtps:// or an smtp:// server with STARTTLS',
    ]);
  });

  it('requires STARTTLS by default and accepts implicit TLS (smtps://) in production', () => {
    const starttls = loadConfig({ ...PROD_OK, KW_SMTP_URL: 'smtp://mail.example.se', KW_MAIL_FROM: 'Kundwebben <noreply@isp.se>' });
    expect(starttls.mail).toMatchObject({
      smtp: { host: 'mail.example.se', port: 587, secure: false, requireTls: true },
      from: { name: 'Kundwebben', address: 'noreply@isp.se' },
      outbox: false,
      maxPerSecond: 10,
    });
    const implicit = loadConfig({ ...PROD_OK, KW_SMTP_URL: 'smtps://kw%40isp.se:p%3Ass@mail.example.se', KW_MAIL_FROM: 'noreply@isp.se' });
    expect(implicit.mail.smtp).toEqual({ host: 'mail.example.se', port: 465, secure: true, requireTls: false, user: 'kw@isp.se', password: 'p:ss' });
  });

  it('never repeats the SMTP URL (it may carry the password) when refusing it', () => {
    const found = problems({ ...PROD_OK, KW_SMTP_URL: 'http://user:s3cret@mail.example.se', KW_MAIL_FROM: 'noreply@isp.se' });
    expect(found).toEqual(['KW_SMTP_URL must be an smtp:// or smtps:// URL with a host']);
    expect(found.join(' ')).not.toContain('s3cret');
    expect(problems({ ...PROD_OK, KW_SMTP_URL: 'smtp://mail.example.se/?requireTLS=false', KW_MAIL_FROM: 'noreply@isp.se' })).toEqual([
      'KW_SMTP_URL takes only [user:password@]host[:port]: no path or query options',
    ]);
  });

  it('needs a sender with SMTP, and refuses a sender that could inject headers or recipients', () => {
    expect(problems({ ...PROD_OK, KW_SMTP_URL: 'smtps://mail.example.se' })).toEqual(['KW_MAIL_FROM (the sender address) is required with KW_SMTP_URL']);
    for (const from of ['a@b.se, c@d.se', 'Name <a@b.se>\r\nBcc: x@y.se', 'not an address', '"Quoted" <a@b.se>']) {
      expect(problems({ ...PROD_OK, KW_MAIL_FROM: from }), from).toHaveLength(1);
    }
  });

  it('uses the demo outbox in demo and test mode without SMTP, never in production', () => {
    expect(testConfig().mail).toMatchObject({ smtp: undefined, outbox: true });
    expect(loadConfig({ KW_MODE: 'demo' }, 'demo').mail.outbox).toBe(true);
    expect(loadConfig(PROD_OK).mail).toMatchObject({ smtp: undefined, outbox: false });
    expect(testConfig({ KW_SMTP_URL: 'smtp://127.0.0.1:2525', KW_MAIL_FROM: 'a@b.se' }).mail.outbox).toBe(false);
  });
});

describe('send pacing', () => {
  it('spaces sends at most N a second, however many are waiting', async () => {
    let now = 1000;
    const waits: number[] = [];
    const pace = createPacer(10, {
      now: () => now,
      sleep: (ms) => {
        waits.push(ms);
        now += ms;
        return Promise.resolve();
      },
    });
    const at: number[] = [];
    for (let i = 0; i < 25; i++) {
      await pace();
      at.push(now);
    }
    expect(at[0]).toBe(1000);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(100);
    // In any one-second window at most 10 sends start.
    for (const start of at) expect(at.filter((x) => x >= start && x < start + 1000).length).toBeLessThanOrEqual(10);
  });

  it('does not wait when sends are already slower than the limit', async () => {
    let now = 0;
    const waits: number[] = [];
    const pace = createPacer(10, { now: () => now, sleep: (ms) => (waits.push(ms), Promise.resolve()) });
    for (let i = 0; i < 3; i++) {
      await pace();
      now += 500;
    }
    expect(waits).toEqual([]);
  });
});

describe('demo outbox', () => {
  it('keeps the latest messages, newest first, with the sender and time', async () => {
    const clock = new ManualClock('2026-11-28T09:00:00Z');
    const outbox = createDemoOutbox(clock, { name: 'Kundwebben', address: 'noreply@kundwebben.invalid' }, 2);
    for (const n of [1, 2, 3]) await outbox.send({ to: { name: `P${n}`, address: `p${n}@x.se` }, subject: `S${n}`, text: 'T' });
    expect(outbox.entries().map((e) => e.subject)).toEqual(['S3', 'S2']);
    expect(outbox.entries()[0]).toMatchObject({ from: 'Kundwebben <noreply@kundwebben.invalid>', at: clock.now() });
  });
});

describe('reminder text', () => {
  const site = loadPlanFile('config/rollout-plan.json').site;
  const methods: PlannedMethod[] = loadPlanFile('config/rollout-plan.json').methods.map((m) => ({ ...m, updatedAt: new Date(0) }));

  it('says why, which methods work or are planned and what to do, in Swedish and then English', () => {
    const mail = composeReminder({
      name: 'Ulla Utgången',
      reasons: { card: { method: 'telia_card', notAfter: new Date('2027-03-01T12:00:00Z'), expired: false } },
      methods,
      now: new Date('2026-11-28T09:00:00Z'),
      site,
      publicUrl: 'https://kundwebben.example.se',
    });
    expect(mail.subject).toBe('Kundwebben: se till att du kan logga in / Kundwebben: make sure you can log in');
    const [sv, en] = mail.text.split('-'.repeat(40));
    expect(sv).toContain('Hej Ulla Utgången!');
    expect(sv).toContain('- ditt ID-kort från Telia slutar gälla 1 mars 2027, och det är det enda sätt du har loggat in med på senare tid.');
    expect(sv).toContain('- ID-kort från Telia: fungerar nu.');
    expect(sv).toContain('- ID-kort från Skatteverket (AB Svenska Pass): planeras vecka 35 2027.');
    expect(sv).toContain('- BankID: planeras i mitten av september 2027.');
    expect(sv).toContain('Kundwebbinfo: https://kundwebben.example.se/info');
    expect(sv).toContain(site.skatteverketIdCardUrl);
    expect(en).toContain('Hello Ulla Utgången,');
    expect(en).toContain('- your ID card from Telia expires on 1 March 2027');
    expect(en).toContain('- BankID: planned in mid-September 2027.');
    expect(en).toContain('Kundwebbinfo: https://kundwebben.example.se/info');
  });

  it('tells someone who never logged in so, and points to BankID once it works', () => {
    const mail = composeReminder({
      name: 'Olle',
      reasons: { notSinceChange: { change: methods[2]!, never: true } },
      methods,
      now: new Date('2027-09-20T08:00:00Z'),
      site,
      publicUrl: 'https://kundwebben.example.se',
    });
    expect(mail.text).toContain('- du inte har loggat in i Kundwebben ännu.');
    expect(mail.text).toContain('- Logga in med BankID. Då behöver du varken ID-kort eller kortläsare.');
    expect(mail.text).toContain('- you have not logged in to Kundwebben yet.');
  });
});
