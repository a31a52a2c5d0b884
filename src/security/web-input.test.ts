/**
 * Hostile web input, on SQLite and PostgreSQL: SQL injection in every query parameter and
 * form field the portal's own pages offer (found by reading the forms and links of every
 * page in ROUTE_TABLE, as each caller who may see it), path traversal in file names, URL
 * parameters and static files, oversized bodies, header injection through download file
 * names, and the Content Security Policy on every HTML page of the route table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ORGANISATIONS, DEMO_PEOPLE } from '../../devtools/demo/seed.js';
import { DATABASE_KINDS, type TestDatabase } from '../../test/support/databases.js';
import { contentDisposition } from '../web/content-disposition.js';
import type { Database } from '../platform/db/schema.js';
import { CALLERS, form, multipart, pdf, startSecurityFixture, type Caller, type SecurityFixture, type Who } from './fixture.js';
import { ROUTE_TABLE, sendProbe, splitKey } from './route-table.js';

const SQL_PAYLOADS: readonly string[] = [
  "' OR 1=1 --",
  '"; DROP TABLE person; --',
  '%27',
  "'); DELETE FROM membership; --",
  "1' UNION SELECT key, value FROM kv_store --",
  "\\'; UPDATE person SET active = 0; --",
  '%%',
  '__',
  '1; SELECT pg_sleep(5); --',
  'nul\u0000byte', // PostgreSQL refuses NUL in text: must be a validation error, not a 500
];

/** Whom to read a page as, first choice first: someone the table lets in. */
const PREFERENCE: readonly Caller[] = ['orgAdmin', 'staff', 'officer', 'otherOrg', 'anonymous'];

const TABLES: readonly (keyof Database)[] = [
  'person', 'organisation', 'membership', 'staff_role', 'login_method', 'credential_seen', 'kv_store', 'audit_event', 'signature_evidence',
  'case_file', 'file_content', 'attachment', 'case_message', 'message_read', 'org_contact', 'org_product', 'membership_request', 'counter',
];

interface FoundForm {
  page: string;
  caller: Caller;
  action: string;
  method: 'get' | 'post';
  multipart: boolean;
  /** Field names and the values the page put in them, first of each name only. */
  fields: [string, string][];
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const attr = (attrs: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(attrs);
  return m?.[1] === undefined ? undefined : decode(m[1]);
};

/** The forms of a page with their fields (file inputs are left to the file-name tests). */
function formsOf(html: string, page: string, caller: Caller): FoundForm[] {
  const found: FoundForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = m[1] ?? '';
    const body = m[2] ?? '';
    const fields = new Map<string, string>();
    const controls = /<textarea\b([^>]*)>([\s\S]*?)<\/textarea>|<select\b([^>]*)>([\s\S]*?)<\/select>|<(?:input|button)\b([^>]*)>/g;
    for (const c of body.matchAll(controls)) {
      const a = c[1] ?? c[3] ?? c[5] ?? '';
      const name = attr(a, 'name');
      if (!name || fields.has(name) || attr(a, 'type') === 'file') continue;
      if (c[1] !== undefined) fields.set(name, decode(c[2] ?? ''));
      else if (c[3] !== undefined) {
        const options = c[4] ?? '';
        const chosen = /<option\b([^>]*\sselected[^>]*)>/.exec(options)?.[1] ?? /<option\b([^>]*)>/.exec(options)?.[1] ?? '';
        fields.set(name, attr(chosen, 'value') ?? '');
      } else fields.set(name, attr(a, 'value') ?? '');
    }
    found.push({
      page,
      caller,
      action: attr(attrs, 'action') ?? page,
      method: attr(attrs, 'method')?.toLowerCase() === 'post' ? 'post' : 'get',
      multipart: attr(attrs, 'enctype') === 'multipart/form-data',
      fields: [...fields.entries()],
    });
  }
  return found;
}

/** Links of a page that carry a query string. */
function queryLinksOf(html: string): string[] {
  return [...html.matchAll(/\shref="(\/[^"]*\?[^"]*)"/g)].map((m) => decode(m[1] ?? '').split('#')[0] ?? '');
}

for (const kind of DATABASE_KINDS) {
  describe(`hostile web input (${kind.name})`, () => {
    let pg: TestDatabase | undefined;
    let f: SecurityFixture;
    const sessions = new Map<Caller, Who>();
    const as = async (caller: Caller) => {
      const known = sessions.get(caller);
      if (known) return known;
      const who = await f.session(caller);
      sessions.set(caller, who);
      return who;
    };

    beforeAll(async () => {
      pg = kind.name === 'postgres' ? await kind.open() : undefined;
      const database = pg?.database;
      const env = database?.kind === 'postgres' ? { DATABASE_URL: database.url, KW_DATABASE_SCHEMA: database.schema ?? '' } : {};
      f = await startSecurityFixture({ env });
    }, 120_000);

    afterAll(async () => {
      await f?.close();
      await pg?.close();
    });

    async function counts(): Promise<Record<string, number>> {
      const out: Record<string, number> = {};
      for (const table of TABLES) {
        const row = await f.t.services.db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
        out[table] = Number(row.n);
      }
      return out;
    }

    async function expectSeedIntact(): Promise<void> {
      for (const p of DEMO_PEOPLE) expect(await f.t.services.accounts.findPerson(p.personnummer), p.name).toBeDefined();
      for (const o of DEMO_ORGANISATIONS) expect(await f.t.services.accounts.findOrganisation(o.orgnr), o.name).toBeDefined();
      const submitted = await f.t.services.cases.find(f.ids.submitted);
      expect(submitted?.status).toBe('submitted');
      expect(submitted?.data['subject']).toBe('Inlämnat A');
    }

    describe('Content Security Policy', () => {
      it('attack: injected markup runs script on any page of the route table, for any caller, error pages included → invariant: every HTML page carries script-src \'self\', object-src \'none\', base-uri \'none\', frame-ancestors \'none\' and nosniff', async () => {
        let html = 0;
        for (const [key, entry] of Object.entries(ROUTE_TABLE)) {
          const { method } = splitKey(key);
          for (const probe of entry.probes) {
            for (const caller of CALLERS) {
              const { url, res } = await sendProbe(f, method, probe, await f.session(caller));
              expect(res.headers['x-content-type-options'], url).toBe('nosniff');
              if (!String(res.headers['content-type']).startsWith('text/html')) continue;
              html++;
              const csp = String(res.headers['content-security-policy']);
              expect(csp, `${caller} ${method} ${url}`).toMatch(/(^|;)\s*script-src 'self'\s*(;|$)/);
              for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "default-src 'self'", "form-action 'self'"]) expect(csp, url).toContain(directive);
              expect(csp, url).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
            }
          }
        }
        expect(html).toBeGreaterThan(200);
      });

      it('attack: open an uploaded file in the browser to run it on our origin → invariant: downloads are attachments with a sandboxing CSP and nosniff', async () => {
        const res = await f.get(f.owner, `/cases/${f.ids.draft}/attachments/${f.ids.attachment}`);
        expect(res.statusCode).toBe(200);
        expect(String(res.headers['content-disposition'])).toMatch(/^attachment;/);
        expect(res.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
        expect(res.headers['x-content-type-options']).toBe('nosniff');
      });
    });

    describe('SQL injection', () => {
      it("attack: ' OR 1=1 -- and LIKE wildcards in the admin searches → invariant: they match nobody, nothing else is listed", async () => {
        const staff = await as('staff');
        for (const q of ["' OR 1=1 --", "x' OR 'a'='a", '%%', '__', "%' OR '%'='"]) {
          const people = await f.get(staff, `/admin/people?q=${encodeURIComponent(q)}`);
          expect(people.statusCode, q).toBeLessThan(500);
          expect(people.body, q).not.toContain('Kim Koordinatsson');
          expect(people.body, q).not.toContain('197010632391');
          const orgs = await f.get(staff, `/admin/organisations?q=${encodeURIComponent(q)}`);
          expect(orgs.statusCode, q).toBeLessThan(500);
          expect(orgs.body, q).not.toContain('Nordvik Försvarsteknik');
          const audit = await f.get(staff, `/admin/audit.csv?person=${encodeURIComponent(q)}`);
          expect(audit.statusCode, q).toBeLessThan(500);
          expect(audit.body, q).not.toContain('191212121212');
        }
      });

      it('attack: "; DROP TABLE person; -- as a register contact → invariant: stored and shown verbatim, the person table intact', async () => {
        const owner = await as('orgAdmin');
        const name = '"; DROP TABLE person; --';
        const res = await f.post(owner, '/register/contacts', { 'contact-name': name, 'contact-address': "'); DELETE FROM membership; --", 'contact-country': 'NO' });
        expect(res.statusCode).toBe(303);
        const stored = (await f.t.services.register.contacts('5590123450')).find((c) => c.name === name);
        expect(stored?.address).toBe("'); DELETE FROM membership; --");
        expect((await f.get(owner, '/register')).body).toContain('&quot;; DROP TABLE person; --');
        await expectSeedIntact();
      });

      it('attack: SQL payloads in every query parameter and every form field of every page (read as each caller who may see it), and in every URL parameter → invariant: never a 500, the data intact', async () => {
        const before = await counts();
        // Two more pages with many fields: an export licence draft with a product row.
        const owner = await as('orgAdmin');
        const created = await f.post(owner, '/cases', { type: 'export_military' });
        const exportId = /\/cases\/([0-9a-f-]{36})\//.exec(String(created.headers.location))?.[1] ?? '';
        const revision = String((await f.t.services.cases.find(exportId))?.revision);
        await f.post(owner, `/cases/${exportId}/steps/products`, { revision, _action: 'add:products', 'products.count': '0' });

        const pages: { url: string; caller: Caller }[] = [];
        for (const [key, entry] of Object.entries(ROUTE_TABLE)) {
          if (!key.startsWith('GET ')) continue;
          for (const probe of entry.probes) {
            const caller = PREFERENCE.find((c) => probe.expect[c] === 200);
            if (caller) pages.push({ url: await probe.url(f), caller });
          }
        }
        for (const step of ['applicant', 'products', 'parties', 'destination', 'attachments']) pages.push({ url: `/cases/${exportId}/steps/${step}`, caller: 'orgAdmin' });
        pages.push({ url: `/cases/${exportId}/review`, caller: 'orgAdmin' });

        const forms: FoundForm[] = [];
        const links = new Set<string>();
        for (const page of pages) {
          const res = await f.get(await as(page.caller), page.url);
          if (!String(res.headers['content-type']).startsWith('text/html')) continue;
          forms.push(...formsOf(res.body, page.url, page.caller));
          for (const link of queryLinksOf(res.body)) links.add(`${page.caller} ${link}`);
        }
        const attackable = forms.filter((fm) => fm.action !== '/logout' && fm.fields.some(([n]) => n !== '_csrf'));
        expect(attackable.length).toBeGreaterThan(25);

        const failures: string[] = [];
        let sent = 0;
        const dist: Record<string, number> = {};
        const check = (what: string, status: number) => {
          sent++;
          dist[status] = (dist[status] ?? 0) + 1;
          if (status >= 500) failures.push(`${status} ${what}`);
        };
        for (const fm of attackable) {
          const who = await as(fm.caller);
          for (const [name] of fm.fields) {
            if (name === '_csrf') continue;
            for (const payload of SQL_PAYLOADS) {
              const values = Object.fromEntries(fm.fields.map(([n, v]) => [n, n === name ? payload : n === '_csrf' ? who.csrf : v]));
              if (fm.method === 'get') {
                const res = await f.get(who, `${fm.action}?${form(values)}`);
                check(`GET ${fm.action} ${name}=${payload}`, res.statusCode);
              } else if (fm.multipart) {
                const body = multipart(values);
                const res = await f.inject({ method: 'POST', url: fm.action, headers: { cookie: who.cookie, 'content-type': body.contentType }, payload: body.payload });
                check(`POST ${fm.action} (multipart) ${name}=${payload}`, res.statusCode);
              } else {
                const res = await f.inject({ method: 'POST', url: fm.action, headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form(values) });
                check(`POST ${fm.action} ${name}=${payload}`, res.statusCode);
              }
            }
          }
        }
        for (const entry of links) {
          const [caller, link] = entry.split(' ') as [Caller, string];
          const url = new URL(link, 'http://portal.invalid');
          for (const name of [...url.searchParams.keys()]) {
            for (const payload of SQL_PAYLOADS) {
              const attacked = new URL(url);
              attacked.searchParams.set(name, payload);
              const res = await f.get(await as(caller), attacked.pathname + attacked.search);
              check(`GET ${attacked.pathname} ${name}=${payload}`, res.statusCode);
            }
          }
        }
        // Every URL parameter of every route, as each caller.
        for (const key of Object.keys(ROUTE_TABLE)) {
          const { method, pattern } = splitKey(key);
          if (!pattern.includes(':')) continue;
          for (const payload of SQL_PAYLOADS) {
            const url = pattern.replace(/:[A-Za-z]+/g, encodeURIComponent(payload));
            for (const caller of CALLERS) {
              const who = await as(caller);
              const res = method === 'GET' ? await f.get(who, url) : await f.post(who, url, {});
              check(`${method} ${url} as ${caller}`, res.statusCode);
            }
          }
        }
        expect(failures).toEqual([]);
        expect(sent).toBeGreaterThan(1000);
        // Many payloads were accepted and stored (redirect after save), so they did reach the database.
        expect(dist['303'] ?? 0).toBeGreaterThan(200);

        const after = await counts();
        for (const table of TABLES) {
          if (table === 'kv_store') continue;
          expect(after[table], `${table} lost rows`).toBeGreaterThanOrEqual(before[table] ?? 0);
        }
        await expectSeedIntact();
      }, 180_000);
    });

    describe('path traversal', () => {
      it('attack: /static/../package.json and its encoded forms → invariant: 4xx, never a file outside static/', async () => {
        for (const url of [
          '/static/../package.json',
          '/static/..%2fpackage.json',
          '/static/..%2Fpackage.json',
          '/static/%2e%2e/package.json',
          '/static/%2e%2e%2fpackage.json',
          '/static/..%5cpackage.json',
          '/static/....//package.json',
          '/static/..%252fpackage.json',
          '/static/%c0%ae%c0%ae/package.json',
          '/static/../src/config/config.ts',
          '/static/../../../../etc/passwd',
          '/static/..%2f..%2f..%2f..%2fetc%2fpasswd',
          '/static/app.css%00.js',
        ]) {
          const res = await f.inject({ method: 'GET', url });
          expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
          expect(res.statusCode, url).toBeLessThan(500);
          expect(res.body, url).not.toContain('"name": "kundwebben"');
          expect(res.body, url).not.toContain('root:x:0:0');
          expect(res.body, url).not.toContain('process.env');
        }
      });

      it('attack: ..%2F..%2Fetc%2Fpasswd in every URL parameter, as each caller → invariant: 4xx (or a redirect on this site), never a file', async () => {
        for (const key of Object.keys(ROUTE_TABLE)) {
          const { method, pattern } = splitKey(key);
          if (!pattern.includes(':')) continue;
          for (const traversal of ['..%2F..%2Fetc%2Fpasswd', '..%252F..%252Fetc%252Fpasswd', '%2e%2e%2f%2e%2e%2fpackage.json', '..\\..\\package.json']) {
            const url = pattern.replace(/:[A-Za-z]+/g, traversal);
            for (const caller of CALLERS) {
              const who = await as(caller);
              const res = method === 'GET' ? await f.get(who, url) : await f.post(who, url, {});
              expect(res.statusCode, `${caller} ${method} ${url}`).toBeLessThan(500);
              expect(res.statusCode === 200 && !String(res.headers['content-type']).startsWith('text/html'), `${caller} ${method} ${url}`).toBe(false);
              expect(res.body).not.toContain('root:x:0:0');
              expect(res.body).not.toContain('"name": "kundwebben"');
            }
          }
        }
        for (const url of ['/info/plan.ics?lang=..%2F..%2Fetc%2Fpasswd', '/lang/..%2F..%2Fetc%2Fpasswd']) {
          expect((await f.get(undefined, url)).statusCode, url).toBe(400);
        }
      });

      it('attack: upload files named ../../etc/passwd.pdf, C:\\Windows\\win.ini.pdf and friends → invariant: only the base name is kept, and the download names no path', async () => {
        const owner = await as('orgAdmin');
        const id = await f.freshDraft();
        const names = ['../../etc/passwd.pdf', '..%2F..%2Fetc%2Fpasswd.pdf', 'C:\\Windows\\win.ini.pdf', '/etc/shadow.pdf', '....//....//x.pdf', '..', '../', '.pdf'];
        for (const [i, name] of names.entries()) {
          const res = await f.upload(owner, `/cases/${id}/attachments`, { _csrf: owner.csrf }, { name, bytes: pdf(`traversal ${i}`) });
          expect([303, 422], name).toContain(res.statusCode);
        }
        const stored = await f.t.services.cases.attachments(id);
        expect(stored.length).toBeGreaterThan(0);
        for (const a of stored) {
          expect(a.fileName).not.toMatch(/[/\\]|^\.\./);
          const download = await f.get(owner, `/cases/${id}/attachments/${a.id}`);
          expect(download.statusCode).toBe(200);
          expect(String(download.headers['content-disposition'])).not.toMatch(/filename="[^"]*[/\\]/);
        }
      });
    });

    describe('oversized bodies', () => {
      it('attack: a form body over KW_BODY_LIMIT_BYTES → invariant: 413 with the translated message (Swedish and English), nothing stored', async () => {
        const owner = await as('orgAdmin');
        const limit = f.t.config.http.bodyLimitBytes;
        const before = await f.snapshot();
        const big = form({ _csrf: owner.csrf, 'contact-name': 'x'.repeat(limit + 1), 'contact-address': 'a', 'contact-country': 'NO' });
        const sv = await f.inject({ method: 'POST', url: '/register/contacts', headers: { cookie: owner.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: big });
        expect(sv.statusCode).toBe(413);
        expect(sv.body).toContain('Det du skickade är för stort. Inget har sparats.');
        expect(String(sv.headers['content-security-policy'])).toContain("script-src 'self'");
        const en = await f.inject({ method: 'POST', url: '/register/contacts', headers: { cookie: `${owner.cookie}; kw_lang=en`, 'content-type': 'application/x-www-form-urlencoded' }, payload: big });
        expect(en.statusCode).toBe(413);
        expect(en.body).toContain('What you sent is too large. Nothing was saved.');
        const json = await f.inject({ method: 'POST', url: '/start/organisation', headers: { cookie: owner.cookie, accept: 'application/json', 'content-type': 'application/json' }, payload: JSON.stringify({ orgnr: 'x'.repeat(limit) }) });
        expect(json.statusCode).toBe(413);
        expect(json.json<{ error: { code: string } }>().error.code).toBe('payload_too_large');
        expect(await f.snapshot()).toBe(before);
      });

      it('attack: an upload over the attachment limit, and a bridge post over its 512 KiB limit → invariant: 413, nothing stored', async () => {
        const owner = await as('orgAdmin');
        const id = await f.freshDraft();
        const before = await f.snapshot();
        const tooBig = Buffer.concat([pdf('big'), Buffer.alloc(f.t.config.cases.maxAttachmentBytes + 1, 0x20)]);
        const body = multipart({ _csrf: owner.csrf }, { name: 'stor.pdf', bytes: tooBig });
        const res = await f.inject({ method: 'POST', url: `/cases/${id}/attachments`, headers: { cookie: owner.cookie, 'content-type': body.contentType }, payload: body.payload });
        expect(res.statusCode).toBe(413);
        expect(await f.snapshot()).toBe(before);
        const bridge = await f.inject({ method: 'POST', url: `/sign/bridge/${f.ids.bridgeToken}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `cms=${'A'.repeat(600 * 1024)}` });
        expect(bridge.statusCode).toBe(413);
        expect(await f.snapshot()).toBe(before);
      });
    });

    describe('header injection through file names', () => {
      it('attack: upload files named with CR/LF and a Set-Cookie line (raw, RFC 5987 filename*, percent-encoded text) → invariant: refused or stored without CR/LF, and no header is injected into the download', async () => {
        const owner = await as('orgAdmin');
        const id = await f.freshDraft();
        const dispositions = [
          "filename*=UTF-8''evil%0D%0ASet-Cookie%3A%20pwned%3D1%0D%0A.pdf",
          'filename="evil\rSet-Cookie: pwned=1.pdf"',
          'filename="evil%0d%0aSet-Cookie:%20pwned=1.pdf"',
          "filename=\"kvitto.pdf\"; filename*=UTF-8''kvitto%0D%0ASet-Cookie%3A%20pwned%3D1.pdf",
        ];
        for (const [i, disposition] of dispositions.entries()) {
          const boundary = `----kwcrlf${i}`;
          const payload = Buffer.concat([
            Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="_csrf"\r\n\r\n${owner.csrf}\r\n`),
            Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; ${disposition}\r\ncontent-type: application/pdf\r\n\r\n`),
            pdf(`crlf ${i}`),
            Buffer.from(`\r\n--${boundary}--\r\n`),
          ]);
          const res = await f.inject({ method: 'POST', url: `/cases/${id}/attachments`, headers: { cookie: owner.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
          expect([303, 422], disposition).toContain(res.statusCode);
          expect(res.headers['set-cookie'], disposition).toBeUndefined();
          expect(res.headers.location ?? '', disposition).not.toMatch(/[\r\n]/);
        }
        const stored = await f.t.services.cases.attachments(id);
        expect(stored.length).toBeGreaterThan(0);
        for (const a of stored) {
          expect(a.fileName).not.toMatch(/[\r\n]/);
          const download = await f.get(owner, `/cases/${id}/attachments/${a.id}`);
          expect(download.statusCode).toBe(200);
          expect(download.headers['set-cookie']).toBeUndefined();
          expect(String(download.headers['content-disposition'])).not.toMatch(/[\r\n]/);
        }
      });

      it('attack: a stored file name that already holds CR/LF, quotes and a Set-Cookie line (old data, another writer) → invariant: Content-Disposition is one clean header, the download still works', async () => {
        const owner = await as('orgAdmin');
        const { draft, attachment } = f.ids;
        const evil = 'a"\r\nSet-Cookie: pwned=1\r\n\\x.pdf';
        await f.t.services.db.updateTable('attachment').set({ file_name: evil }).where('id', '=', attachment).execute();
        try {
          const res = await f.get(owner, `/cases/${draft}/attachments/${attachment}`);
          expect(res.statusCode).toBe(200);
          expect(res.headers['set-cookie']).toBeUndefined();
          const disposition = String(res.headers['content-disposition']);
          expect(disposition).not.toMatch(/[\r\n]/);
          expect(disposition).toMatch(/^attachment; filename="[^"\\]*"; filename\*=UTF-8''[A-Za-z0-9%!._~-]*$/);
        } finally {
          await f.t.services.db.updateTable('attachment').set({ file_name: 'underlag.pdf' }).where('id', '=', attachment).execute();
        }
      });

      it('contentDisposition keeps only printable ASCII in filename= and percent-encodes everything else in filename*', () => {
        for (const name of ['a\r\nb.pdf', 'a"b.pdf', 'a\\b.pdf', 'å\u0000\u202ex.pdf', "x'();*.pdf"]) {
          const value = contentDisposition(name);
          // eslint-disable-next-line no-control-regex -- control characters are the attack
          expect(value, name).not.toMatch(/[\u0000-\u001f\u007f]/);
          expect(value, name).toMatch(/^attachment; filename="[\x20-\x21\x23-\x5b\x5d-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%!._~-]*$/);
        }
      });
    });
  });
}
