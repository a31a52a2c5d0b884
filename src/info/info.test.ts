import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
afterEach(() => t.clock.set('2026-11-28T09:00:00Z'));

/** Text content of the HTML, tags removed, whitespace collapsed. */
function text(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}

describe('Kundwebbinfo, generated from the rollout plan', () => {
  it('tells today’s situation and every step of the notice, before week 35', async () => {
    const page = text((await t.app.inject('/info')).body);
    expect(page).toContain('Idag är det endast möjligt att logga in i Kundwebben med ID-kort från Telia.');
    expect(page).toContain('Telia utfärdar inte längre ID-kort.');
    expect(page).toContain('Du behöver inte meddela ISP vilket inloggningssätt du vill använda när du loggar in.');
    expect(page).toContain('Vecka 35 2027 planerar vi att införa inloggning med ID-kort från Skatteverket (AB Svenska Pass).');
    expect(page).toContain('I mitten av september 2027 planerar vi att införa inloggning med BankID.');
    expect(page).toContain('varken ID-kort eller kortläsare');
    expect(page).toContain('går ut innan vi inför BankID (i mitten av september 2027), kan du redan nu ansöka om ID-kort från Skatteverket');
    expect(page).toContain('behöver du inte göra något, så länge ditt ID-korts giltighetstid inte har passerat');
    expect(page).toContain('först när inloggningslösningen har införts vecka 35 2027');
    expect(page).toContain('Installera en ny version av Net iD Client');
    expect(page).toContain('presenteras här i samband med att den nya inloggningslösningen införs vecka 35 2027');
    for (const step of ['PUK-koden', '”AB Svenska Pass”', 'SConnect', 'egen PIN-kod', 'Lås upp signering i Net iD Client', 'egen signeringskod', 'IT-avdelning']) {
      expect(page).toContain(step);
    }
    expect(page).toContain('Detta steg kan du göra först när den nya versionen av Net iD Client finns tillgänglig här.');
    expect(page).toContain('Mer detaljerad information kommer.');
    expect(page).toContain('Har du frågor, kontakta it@isp.se');
  });

  it('renders the timetable with past, current and planned methods', async () => {
    const html = (await t.app.inject('/info')).body;
    expect(html).toMatch(/data-method="telia_card" data-status="enabled"/);
    expect(html).toMatch(/data-method="svenska_pass_card" data-status="planned"/);
    expect(html).toMatch(/data-method="bankid" data-status="planned"/);
    expect(text(html)).toContain('vecka 35 2027');
    expect(text(html)).toContain('i mitten av september 2027');
  });

  it('changes with time: after week 35 the Net iD guidance is published, after BankID the advice changes', async () => {
    t.clock.set('2027-09-01T08:00:00Z');
    let page = text((await t.app.inject('/info')).body);
    expect(page).toContain('Sedan vecka 35 kan du logga in med ID-kort från Skatteverket (AB Svenska Pass).');
    const en = text((await t.app.inject({ url: '/info', headers: { cookie: 'kw_lang=en' } })).body);
    expect(en).toContain('Since week 35 you can log in with');
    expect(en).not.toContain('Since in week');
    // How to get the new Net iD Client, in the agency's words from the plan file, with the
    // support address: not the login page's notice glued after a colon.
    expect(page).toContain('Så får du den nya versionen av Net iD Client:');
    expect(page).toContain('Installera den innan du loggar in med ID-kortet från Skatteverket. Skicka ett e-postmeddelande med rubriken ”Net iD Client” till it@isp.se');
    expect(page).not.toContain('versionen: Kräver');
    expect(page).not.toContain('först när inloggningslösningen har införts');
    expect(page).toContain('Mer detaljerad information kommer.'); // BankID is still to come
    expect(page).toContain('Idag kan du logga in i Kundwebben med ID-kort från Telia och ID-kort från Skatteverket (AB Svenska Pass).');
    t.clock.set('2027-09-20T08:00:00Z');
    page = text((await t.app.inject('/info')).body);
    expect(page).toContain('kan du logga in med BankID, eller ansöka om ID-kort från Skatteverket');
    expect(page).not.toContain('planerar vi');
    // Every method has started: the page no longer promises more information.
    expect(page).not.toContain('Mer detaljerad information kommer.');
  });

  it('marks an ended method as ended', async () => {
    const extra = await startTestApp();
    try {
      await extra.services.plan.change('telia_card', { enabledUntil: new Date('2027-12-31T23:00:00Z') }, null);
      extra.clock.set('2027-12-01T10:00:00Z');
      expect(text((await extra.app.inject('/info')).body)).toContain('Inloggning med ID-kort från Telia upphör 1 januari 2028.');
      extra.clock.set('2028-01-02T10:00:00Z');
      const html = (await extra.app.inject('/info')).body;
      expect(html).toMatch(/data-method="telia_card" data-status="ended"/);
      expect(text(html)).toContain('Inloggning med ID-kort från Telia upphörde 1 januari.');
      expect((await extra.app.inject('/login')).body).not.toContain('data-method="telia_card"');
    } finally {
      await extra.close();
    }
  });

  it('is available in English', async () => {
    const page = text((await t.app.inject({ url: '/info', headers: { cookie: 'kw_lang=en' } })).body);
    expect(page).toContain('In week 35 2027 we plan to introduce login with ID card from Skatteverket (AB Svenska Pass).');
    expect(page).toContain('In mid-September 2027 we plan to introduce login with BankID.');
    expect(page).toContain('Choose the login option “AB Svenska Pass”.');
  });
});

describe('timetable feeds', () => {
  it('offers the plan as JSON for others to use', async () => {
    const res = await t.app.inject('/info/plan.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const body = res.json<{ timeZone: string; methods: { id: string; status: string; enabledFrom: string; announced: { sv: string } }[] }>();
    expect(body.timeZone).toBe('Europe/Stockholm');
    expect(body.methods.map((m) => [m.id, m.status, m.announced.sv])).toEqual([
      ['telia_card', 'enabled', '1 januari 2012'],
      ['svenska_pass_card', 'planned', 'vecka 35 2027'],
      ['bankid', 'planned', 'i mitten av september 2027'],
    ]);
    expect(body.methods[1]?.enabledFrom).toBe('2027-08-29T22:00:00.000Z');
  });

  it('offers a valid iCalendar feed to subscribe to', async () => {
    const res = await t.app.inject('/info/plan.ics?lang=sv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const ics = res.body;
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    expect(ics).not.toMatch(/[^\r]\n/);
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain('UID:svenska_pass_card-start@localhost');
    expect(unfolded).toContain('DTSTART;VALUE=DATE:20270830');
    expect(unfolded).toContain('DTSTART;VALUE=DATE:20270915');
    expect(unfolded).toContain('SUMMARY:Kundwebben: BankID');
    expect(unfolded.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    expect(unfolded).toContain('Kräver en ny version av Net iD Client. Skicka ett e-postmeddelande');
    const en = await t.app.inject('/info/plan.ics?lang=en');
    expect(en.body.replace(/\r\n /g, '')).toContain('SUMMARY:Kundwebben: ID card from Skatteverket (AB Svenska Pass)');
    expect((await t.app.inject('/info/plan.ics?lang=de')).statusCode).toBe(400);
  });
});

describe('accessibility statement', () => {
  it('is reachable from every page and says how to report problems', async () => {
    const page = text((await t.app.inject('/tillganglighet')).body);
    expect(page).toContain('Tillgänglighetsredogörelse');
    expect(page).toContain('lagen (2018:1937) om tillgänglighet till digital offentlig service');
    expect(page).toContain('WCAG 2.1 nivå AA');
    expect(page).toContain('it@isp.se');
    expect(page).toContain('Digg');
  });
});
