/**
 * The large agency of the agency case (BENCH_CASES=agency), seeded inside PostgreSQL with
 * set-based SQL (`INSERT … SELECT … FROM generate_series`), never row by row:
 *
 * - 100,000 people with valid personnummer (Luhn, computed in SQL), 1% deactivated;
 * - 10,000 organisations (the two demo ones included), 0.5% deactivated, sizes skewed: the
 *   demo company Nordvik has 3,000 members and the next four 2,000 each, the rest follow a
 *   squared distribution (a few hundred down to a handful); every 40th person acts for two;
 * - 20 case officers (seeded) besides the demo staff;
 * - 200,000 cases (6,000 of Nordvik, 2,000 each of the next four): 5% drafts, 20%
 *   submitted, 5% in progress, 70% closed, one in ten a message; attachment metadata for
 *   half of them (one shared file content), about 300,000 messages (both sides), most of
 *   them read, and the stored unread counts recounted from them (cases/unread.ts keeps them so);
 * - 1,000,000 audit events evenly over the last two years (60% logins by method, failed
 *   logins, logouts, case and signature events, self-tests);
 * - the login history `credential_seen`: per person the card, BankID and Svenska Pass
 *   credentials used over the last two years, card certificates expiring from a month ago
 *   to three years ahead.
 *
 * Runs on the app's migrated schema (the connection's search_path); the helper functions
 * and the `kw_seed_*` tables stay in that schema, which the case drops at the end.
 */
import pg from 'pg';

/** The demo company whose user, Testa Testsson, is measured: the largest organisation. */
export const LARGE_ORGNR = '5566778899';
/** How the bench logs in: the company user (only Nordvik), the demo admin, a seeded case officer. */
export const COMPANY_USER = '198112289874';
export const ADMIN_USER = '196408231238';

const FUNCTIONS = `
create or replace function kw_luhn(d text) returns int language sql immutable as $$
  select (10 - (sum(case when k % 2 = 1
                     then (2 * substr(d, k, 1)::int) / 10 + (2 * substr(d, k, 1)::int) % 10
                     else substr(d, k, 1)::int end) % 10)::int) % 10
  from generate_series(1, length(d)) k $$;
create or replace function kw_iso(t timestamptz) returns text language sql immutable as $$
  select to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;
create or replace function kw_hash(i bigint, salt int) returns double precision language sql immutable as $$
  select ((i * 2654435761 + salt * 40503) % 1000003)::double precision / 1000003 $$;
`;

/** Step name and SQL; each is one statement (or a few) run in order. */
const STEPS: [string, string][] = [
  [
    'people',
    `create table kw_seed_person as
       select i, to_char(d, 'YYYYMMDD') || s || kw_luhn(to_char(d, 'YYMMDD') || s)::text as pnr
       from (select i, date '1945-01-01' + (i % 20000) as d, lpad((100 + i / 20000)::text, 3, '0') as s
             from generate_series(1, 100000) i) x;
     create unique index on kw_seed_person (i);
     insert into person (personnummer, name, email, phone, active, created_at, updated_at)
       select pnr,
              (array['Anna','Erik','Maria','Lars','Karin','Anders','Eva','Johan','Sara','Per','Lena','Nils',
                     'Ingrid','Olof','Astrid','Mikael','Sofia','Björn','Elin','Gustav'])[1 + i % 20] || ' ' ||
              (array['Andersson','Johansson','Karlsson','Nilsson','Eriksson','Larsson','Olsson','Persson',
                     'Svensson','Gustafsson','Pettersson','Jonsson','Jansson','Hansson','Bengtsson','Jönsson',
                     'Lindberg','Jakobsson','Magnusson','Olofsson','Lindström','Lindqvist','Lindgren','Berg',
                     'Axelsson','Bergström','Lundberg','Lind','Lundgren','Mattsson'])[1 + (i / 20) % 30],
              'person' || i || '@example.se', null, case when i % 100 = 0 then 0 else 1 end,
              kw_iso(now() - interval '3 years'), kw_iso(now() - interval '3 years')
       from kw_seed_person`,
  ],
  [
    'organisations',
    `create table kw_seed_org as
       select i, '556' || lpad(i::text, 6, '0') || kw_luhn('556' || lpad(i::text, 6, '0'))::text as orgnr
       from generate_series(1, 9998) i;
     create unique index on kw_seed_org (i);
     insert into organisation (orgnr, name, active, created_at)
       select orgnr, 'Exportbolag ' || i || ' AB', case when i % 200 = 0 then 0 else 1 end,
              kw_iso(now() - interval '3 years')
       from kw_seed_org`,
  ],
  [
    'memberships',
    // seeded org 0 stands for Nordvik; 1–4 the next largest; 5… skewed
    `create table kw_seed_member as
       select p.i, p.pnr,
              case when p.i <= 3000 then 0
                   when p.i <= 11000 then 1 + (p.i - 3001) / 2000
                   else 5 + floor(9993 * power(kw_hash(p.i, 1), 2))::int end as org
       from kw_seed_person p;
     insert into membership (personnummer, orgnr, role, created_at)
       select m.pnr, case when m.org = 0 then '${LARGE_ORGNR}' else o.orgnr end,
              case when m.i % 25 = 0 then 'org_admin' else 'user' end, kw_iso(now() - interval '2 years')
       from kw_seed_member m left join kw_seed_org o on o.i = m.org;
     insert into membership (personnummer, orgnr, role, created_at)
       select p.pnr, o.orgnr, 'user', kw_iso(now() - interval '1 year')
       from kw_seed_person p join kw_seed_org o on o.i = 1 + (p.i * 7) % 9998
       where p.i % 40 = 0
       on conflict do nothing;
     insert into staff_role (personnummer, role, created_at)
       select pnr, 'case_officer', kw_iso(now() - interval '2 years') from kw_seed_person where i <= 20`,
  ],
  [
    'cases',
    `create table kw_seed_case as
       select g.i, md5('case' || g.i)::uuid::text as id,
              case when g.i <= 6000 then '${LARGE_ORGNR}' else o.orgnr end as orgnr,
              case when g.i % 100 < 5 then 'draft' when g.i % 100 < 25 then 'submitted'
                   when g.i % 100 < 30 then 'in_progress' else 'closed' end as status,
              now() - (g.i % 730) * interval '1 day' - (g.i % 86400) * interval '1 second' as created
       from generate_series(1, 200000) g(i)
       left join kw_seed_org o on o.i = case when g.i <= 14000 then 1 + (g.i - 6001) / 2000
                                              else 5 + floor(9993 * power(kw_hash(g.i, 2), 2))::int end;
     create unique index on kw_seed_case (i);
     insert into case_file (id, orgnr, type_id, kind, status, title, data, revision, case_number, created_by,
                            created_at, updated_by, updated_at, submitted_by, submitted_at, evidence_id, digest,
                            officer, closed_at)
       select c.id, c.orgnr,
              case when c.i % 10 = 0 then 'other_message'
                   else (array['export_military','export_dual_use','declaration','other_case'])[1 + c.i % 4] end,
              case when c.i % 10 = 0 then 'message' else 'case' end,
              c.status, 'Ärende ' || c.i,
              case when c.i % 10 = 0 or c.i % 4 = 3 then '{"subject":"Fråga ' || c.i || '"}'
                   when c.i % 4 = 2 then '{}' else '{"consignee_name":"Mottagare ' || c.i || '"}' end,
              3, case when c.status = 'draft' then null else 'UD-' || c.i end,
              p.pnr, kw_iso(c.created), p.pnr,
              kw_iso(c.created + case when c.status = 'closed' then interval '20 days' else interval '1 hour' end),
              case when c.status = 'draft' then null else p.pnr end,
              case when c.status = 'draft' then null else kw_iso(c.created + interval '30 minutes') end,
              null, null,
              case when c.status in ('in_progress', 'closed') then o.pnr end,
              case when c.status = 'closed' then kw_iso(c.created + interval '20 days') end
       from kw_seed_case c
       join kw_seed_person p on p.i = 1 + (c.i * 13) % 100000
       join kw_seed_person o on o.i = 1 + c.i % 20`,
  ],
  [
    'attachments',
    `insert into file_content (sha256, size, bytes, created_at)
       values (repeat('ab', 32), 11, convert_to('bench bytes', 'UTF8'), kw_iso(now()));
     insert into attachment (id, case_id, message_id, sha256, file_name, media_type, size, uploaded_by, uploaded_at)
       select md5('att' || c.i || '-' || k)::uuid::text, c.id, null, repeat('ab', 32),
              'bilaga-' || c.i || '-' || k || '.pdf', 'application/pdf', 10000 + c.i % 90000,
              '${COMPANY_USER}', kw_iso(c.created)
       from kw_seed_case c, generate_series(1, 2) k
       where c.i % 2 = 0 and (k = 1 or c.i % 6 = 0)`,
  ],
  [
    'messages',
    `insert into case_message (id, case_id, side, author, body, created_at)
       select md5('msg' || c.i || '-' || k)::uuid::text, c.id,
              case when k = 2 then 'agency' else 'organisation' end,
              case when k = 2 then (select pnr from kw_seed_person where i = 1 + c.i % 20) else '${COMPANY_USER}' end,
              'Meddelande ' || k || ' i ärende ' || c.i, kw_iso(c.created + k * interval '2 days')
       from kw_seed_case c, generate_series(1, 3) k
       where c.status <> 'draft' and (c.i + k) % 3 <> 0;
     insert into message_read (message_id, personnummer, read_at)
       select m.id, case when m.side = 'agency' then '${COMPANY_USER}' else (select pnr from kw_seed_person where i = 1) end,
              kw_iso(now())
       from case_message m
       where ('x' || substr(m.id, 1, 2))::bit(8)::int % 5 <> 0;
     delete from agency_message_count;
     insert into agency_message_count (orgnr, messages)
       select c.orgnr, count(*) from case_message m join case_file c on c.id = m.case_id
       where m.side = 'agency' group by c.orgnr;
     delete from agency_message_read_count;
     insert into agency_message_read_count (personnummer, orgnr, messages)
       select r.personnummer, c.orgnr, count(*)
       from message_read r join case_message m on m.id = r.message_id join case_file c on c.id = m.case_id
       where m.side = 'agency' group by r.personnummer, c.orgnr`,
  ],
  [
    'audit events',
    `insert into audit_event (at, event, outcome, actor, subject, ip, details)
       select kw_iso(now() - (1000000 - j) * interval '63 seconds'),
              case when j % 1000 = 999 then 'eid_selftest'
                   when j % 10 < 6 then 'login' when j % 10 = 6 then 'login_failed' when j % 10 = 7 then 'logout'
                   when j % 10 = 8 then 'case_status_changed' else 'signature_completed' end,
              case when j % 10 = 6 then 'failure' else 'success' end,
              case when j % 1000 = 999 then null else p.pnr end,
              case when j % 1000 = 999 or j % 10 < 8 then
                     (array['telia_card','telia_card','telia_card','svenska_pass_card','bankid','bankid'])[1 + j % 6]
                   else md5('case' || (1 + j % 200000))::uuid::text end,
              '10.' || (j % 250) || '.' || (j / 250 % 250) || '.' || (j % 7 + 1),
              case when j % 1000 = 999 then '{"usage":"login"}'
                   when j % 10 = 6 then '{"reason":"certificate_expired"}'
                   when j % 10 = 8 then '{"to":"closed"}' else null end
       from generate_series(1, 1000000) j
       join kw_seed_person p on p.i = 1 + (j * 7) % 100000`,
  ],
  [
    'login history',
    `insert into credential_seen (personnummer, method, first_used_at, last_used_at, cert_issuer, cert_serial, cert_not_after)
       select p.pnr, 'telia_card', kw_iso(now() - interval '2 years'),
              kw_iso(now() - floor(730 * kw_hash(p.i, 3)) * interval '1 day'),
              'Telia e-legitimation', lpad(p.i::text, 10, '0'),
              kw_iso(now() + (floor(1125 * kw_hash(p.i, 4)) - 30) * interval '1 day')
       from kw_seed_person p where p.i % 20 <> 0;
     insert into credential_seen (personnummer, method, first_used_at, last_used_at, cert_issuer, cert_serial, cert_not_after)
       select p.pnr, 'bankid', kw_iso(now() - interval '1 year'),
              kw_iso(now() - floor(365 * kw_hash(p.i, 5)) * interval '1 day'), null, null, null
       from kw_seed_person p where p.i % 5 < 2;
     insert into credential_seen (personnummer, method, first_used_at, last_used_at, cert_issuer, cert_serial, cert_not_after)
       select p.pnr, 'svenska_pass_card', kw_iso(now() - interval '2 years'),
              kw_iso(now() - floor(700 * kw_hash(p.i, 6)) * interval '1 day'),
              'Svenska Pass', lpad(p.i::text, 10, '0'),
              kw_iso(now() + (floor(900 * kw_hash(p.i, 7)) - 30) * interval '1 day')
       from kw_seed_person p where p.i % 10 = 3`,
  ],
  // As autovacuum would have by then: statistics, and the visibility map for index-only scans.
  ['vacuum', 'vacuum analyze'],
];

export interface SeedTiming {
  step: string;
  seconds: number;
}

/** Seeds the schema (already migrated, demo data in) and returns the seconds per step. */
export async function seedLargeAgency(url: string, schema: string, log: (line: string) => void): Promise<SeedTiming[]> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  const timings: SeedTiming[] = [];
  try {
    await client.query('set synchronous_commit = off');
    await client.query(FUNCTIONS);
    for (const [step, statement] of STEPS) {
      const started = performance.now();
      await client.query(statement);
      const seconds = (performance.now() - started) / 1000;
      timings.push({ step, seconds });
      log(`  seeded ${step} in ${seconds.toFixed(1)} s`);
    }
  } finally {
    await client.end();
  }
  return timings;
}
