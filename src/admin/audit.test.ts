import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { DATABASE_KINDS } from '../../test/support/databases.js';
import { createLogger } from '../platform/logging.js';
import { createAuditSearch } from '../audit/search.js';
import { auditCsv, csvCell } from './audit-search.js';

const HEDDA = '196408231238';
const TOLVAN = '191212121212';
const KIM = '197010632391';

function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('CSV cells', () => {
  it('quotes what needs quoting and doubles quotes (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    // A line break never makes a second line: each event is one line (src/security/audit-output.test.ts).
    expect(csvCell('two\nlines')).toBe('two\\u000Alines');
    expect(csvCell('two\r\nlines, "quoted"')).toBe('"two\\u000D\\u000Alines, ""quoted"""');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
  });

  // Attack: text an outsider controls (a name, a notice, a file name) lands in the export
  // and runs as a formula when an admin opens it in a spreadsheet. Invariant: no cell starts
  // with a formula character.
  it.each(['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])(
    'defuses %j',
    (value) => {
      const cell = csvCell(value);
      expect(cell.replace(/^"/, '')).toMatch(/^'/);
    },
  );

  it('writes a header, one line per event, CRLF, and a BOM for spreadsheets', () => {
    const csv = auditCsv([
      {
        id: 7,
        at: '2026-11-28T09:00:00.000Z',
        event: 'person_changed',
        outcome: 'success',
        actor: HEDDA,
        subject: TOLVAN,
        ip: null,
        details: { name: '=cmd' },
      },
    ]);
    expect(csv).toBe(
      `\uFEFFid,at,event,outcome,actor,subject,ip,details\r\n7,2026-11-28T09:00:00.000Z,person_changed,success,${HEDDA},${TOLVAN},,"{""name"":""=cmd""}"\r\n`,
    );
  });
});

for (const kind of DATABASE_KINDS) {
  describe(`audit log search (${kind.name})`, () => {
    let t: TestApp;
    let closeDb: () => Promise<void>;
    let admin: { cookie: string; csrf: string };
    const logLines: string[] = [];
    beforeAll(async () => {
      const opened = await kind.open();
      closeDb = () => opened.close();
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          logLines.push(chunk.toString('utf8'));
          done();
        },
      });
      t = await startTestApp({
        db: opened.db,
        database: opened.database,
        logger: createLogger({ logLevel: 'debug' }, sink),
      });
      // 120 events about Kim on 2026-11-20 local time, and a few others.
      const at = (i: number) => new Date(Date.UTC(2026, 10, 20, 8, 0, i)).toISOString();
      await t.services.db
        .insertInto('audit_event')
        .values(
          Array.from({ length: 120 }, (_, i) => ({
            at: at(i),
            event: 'login',
            outcome: 'success' as const,
            actor: KIM,
            subject: 'telia_card',
            ip: '10.0.0.1',
            details: null,
          })),
        )
        .execute();
      await t.services.db
        .insertInto('audit_event')
        .values([
          {
            at: '2026-11-18T23:30:00.000Z',
            event: 'person_changed',
            outcome: 'success',
            actor: HEDDA,
            subject: KIM,
            ip: null,
            details: JSON.stringify({ after: { name: '=HYPERLINK("x")' } }),
          },
          {
            at: '2026-11-21T12:00:00.000Z',
            event: 'membership_request_approved',
            outcome: 'success',
            actor: HEDDA,
            subject: 'req-1',
            ip: null,
            details: JSON.stringify({ personnummer: KIM }),
          },
          {
            at: '2026-11-25T12:00:00.000Z',
            event: 'login_failed',
            outcome: 'failure',
            actor: TOLVAN,
            subject: 'bankid',
            ip: null,
            details: null,
          },
        ])
        .execute();
      admin = await t.loginAs(HEDDA);
    });
    afterAll(async () => {
      await t.close();
      await closeDb().catch(() => undefined);
    });
    const get = (url: string) => t.app.inject({ url, headers: { cookie: admin.cookie } });

    it('finds a person’s events (as actor, subject or in the details) by any shape of the number, 50 a page', async () => {
      let res = await get('/admin/audit?person=701063-2391');
      expect(res.statusCode).toBe(200);
      expect(text(res.body)).toContain('122 händelser, sida 1 av 3');
      expect(res.body.match(/<tr data-event=/g)).toHaveLength(50);
      expect(text(res.body)).toContain('19701063-2391');
      expect(res.body).toContain('href="/admin/audit?person=701063-2391&amp;page=2"');
      res = await get('/admin/audit?person=701063-2391&page=3');
      expect(text(res.body)).toContain('sida 3 av 3');
      expect(res.body.match(/<tr data-event=/g)).toHaveLength(22);
      expect(res.body).toContain('data-event="person_changed"');
      expect(res.body).not.toContain('rel="next"');
      res = await get('/admin/audit?person=701063-2391&page=99');
      expect(text(res.body)).toContain('sida 3 av 3');
    });

    it('filters by event and by local dates (inclusive, in the agency’s time zone)', async () => {
      let res = await get(`/admin/audit?person=${KIM}&event=membership_request_approved`);
      expect(text(res.body)).toContain('1 händelse, sida 1 av 1');
      // 2026-11-18T23:30Z is 19 November in Stockholm.
      res = await get(`/admin/audit?person=${KIM}&from=2026-11-19&to=2026-11-19`);
      expect(text(res.body)).toContain('1 händelse,');
      expect(res.body).toContain('data-event="person_changed"');
      res = await get(`/admin/audit?from=2026-11-21&to=2026-11-27`);
      expect(text(res.body)).toContain('2 händelser');
      expect(res.body).toContain('<option value="login_failed"');
    });

    it('refuses a bad search next to its fields', async () => {
      const res = await get('/admin/audit?person=19701063-2392&from=2026-02-30&to=x&event=DROP%20TABLE');
      expect(res.statusCode).toBe(400);
      for (const id of ['audit-person', 'audit-from', 'audit-to', 'audit-event'])
        expect(res.body).toContain(`id="${id}-error"`);
      const order = await get('/admin/audit?from=2026-11-21&to=2026-11-20');
      expect(order.statusCode).toBe(400);
      expect(text(order.body)).toContain('Till och med-datumet kan inte vara före från och med-datumet.');
      expect((await get('/admin/audit.csv?person=123')).statusCode).toBe(400);
    });

    it('exports the same search as a CSV attachment, formula-safe', async () => {
      const res = await get(`/admin/audit.csv?person=${KIM}&from=2026-11-19&to=2026-11-21`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="audit-2026-11-28.csv"');
      const lines = res.body
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
      expect(lines[0]).toBe('id,at,event,outcome,actor,subject,ip,details');
      expect(lines).toHaveLength(1 + 122);
      expect(lines[1]).toContain('membership_request_approved');
      expect(lines.at(-1)).toContain(
        `person_changed,success,${HEDDA},${KIM},,"{""after"":{""name"":""=HYPERLINK(\\""x\\"")""}}"`,
      );
      for (const line of lines) expect(line).not.toMatch(/(^|,)"?[=+\-@]/);
    });

    it('exports in keyset batches: every event once, newest first, also where times are equal', async () => {
      const search = createAuditSearch(t.services.db);
      const sameTime = '2026-11-22T09:00:00.000Z';
      await t.services.db
        .insertInto('audit_event')
        .values(Array.from({ length: 9 }, () => ({ at: sameTime, event: 'logout', outcome: 'success' as const, actor: KIM, subject: 'bankid', ip: null, details: null })))
        .execute();
      const query = { person: KIM };
      const batches: number[][] = [];
      for await (const batch of search.all(query, 4)) batches.push(batch.map((e) => e.id));
      expect(batches.every((b) => b.length <= 4)).toBe(true);
      const ids = batches.flat();
      expect(new Set(ids).size).toBe(ids.length);
      const everything = (await search.page(query, 1)).total;
      expect(ids).toHaveLength(everything);
      const events = [];
      for await (const batch of search.all(query)) events.push(...batch);
      expect(events.map((e) => e.id)).toEqual(ids);
      for (let i = 1; i < events.length; i++) {
        const [a, b] = [events[i - 1]!, events[i]!];
        expect(a.at > b.at || (a.at === b.at && a.id > b.id)).toBe(true);
      }
      await t.services.db.deleteFrom('audit_event').where('event', '=', 'logout').where('at', '=', sameTime).execute();
    });

    it('clamps a page number beyond the reachable pages, and lists the event names the log holds', async () => {
      const res = await get('/admin/audit?page=99999999');
      expect(res.statusCode).toBe(200);
      const names = await createAuditSearch(t.services.db).eventNames();
      expect(names).toEqual([...names].sort());
      expect(names).toContain('login');
      expect(names).toContain('person_changed');
      expect(new Set(names).size).toBe(names.length);
    });

    it('never writes a personal number to the log, whatever the admin searched for', async () => {
      await get(`/admin/audit?person=${KIM}`);
      await get('/admin/audit.csv?person=701063-2391');
      await get(`/admin/people?q=${TOLVAN}`);
      await get(`/admin/people/${TOLVAN}`);
      await get('/admin/audit?person=19701063-2392');
      const log = logLines.join('');
      expect(log).toContain('/admin/audit'); // the requests were logged…
      for (const pnr of [KIM, '701063-2391', TOLVAN, '7010632392']) expect(log).not.toContain(pnr); // …without the numbers
    });
  });
}
