/**
 * Import of existing users from CSV (`name, personnummer, email, phone, orgnr, role`).
 * Every row is checked first; a file with any bad row imports nothing and reports each
 * problem with its line number. A good file is imported in one transaction.
 */
import type { AuditLog } from '../audit/service.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/index.js';
import type { MessageKey } from '../platform/i18n/index.js';
import { parsePersonalNumber } from '../identity/personnummer.js';
import { createAccounts } from './service.js';
import { type MembershipRole } from '../identity/roles.js';
import { parseCsv } from './csv.js';
import { formatOrgnr, parseOrgnr } from './orgnr.js';

export interface ImportProblem {
  line: number;
  key: MessageKey;
  params: Record<string, string | number>;
}

export type ImportResult =
  | { ok: true; persons: number; memberships: number }
  | { ok: false; problems: ImportProblem[] };

const COLUMNS = ['name', 'personnummer', 'email', 'phone', 'orgnr', 'role'] as const;
type Column = (typeof COLUMNS)[number];
const ALIASES: Record<string, Column> = {
  name: 'name',
  namn: 'name',
  personnummer: 'personnummer',
  email: 'email',
  'e-post': 'email',
  epost: 'email',
  phone: 'phone',
  telefon: 'phone',
  orgnr: 'orgnr',
  organisationsnummer: 'orgnr',
  role: 'role',
  roll: 'role',
};
const ROLES: Record<string, MembershipRole> = {
  user: 'user',
  'användare': 'user',
  org_admin: 'org_admin',
  administratör: 'org_admin',
  admin: 'org_admin',
};

interface Row {
  line: number;
  name: string;
  personnummer: string;
  email: string | null;
  phone: string | null;
  orgnr: string;
  role: MembershipRole;
}

export async function importUsers(
  deps: { db: Db; clock: Clock; audit: AuditLog },
  csvText: string,
  meta: { actor?: string | null; source?: string } = {},
): Promise<ImportResult> {
  const result = await checkAndImport(deps, csvText);
  await deps.audit.record(
    result.ok
      ? {
          event: 'users_imported',
          outcome: 'success',
          actor: meta.actor ?? null,
          subject: meta.source ?? null,
          details: { persons: result.persons, memberships: result.memberships },
        }
      : {
          event: 'users_import_refused',
          outcome: 'failure',
          actor: meta.actor ?? null,
          subject: meta.source ?? null,
          details: { problems: result.problems.length, lines: result.problems.map((p) => p.line).slice(0, 50) },
        },
  );
  return result;
}

/** One row a good file would import (what a dry run shows). */
export interface ImportPreviewRow {
  line: number;
  name: string;
  personnummer: string;
  orgnr: string;
  role: MembershipRole;
  /** The person is not in Kundwebben yet. */
  newPerson: boolean;
}

export type ImportCheck =
  | { ok: true; persons: number; memberships: number; rows: ImportPreviewRow[] }
  | { ok: false; problems: ImportProblem[] };

/** A dry run: checks the file exactly as an import would, and changes nothing. */
export async function checkUsersCsv(deps: { db: Db; clock: Clock }, csvText: string): Promise<ImportCheck> {
  const checked = await check(deps, csvText);
  if (!checked.ok) return checked;
  const known = new Set(
    checked.people.size === 0
      ? []
      : (await deps.db.selectFrom('person').select('personnummer').where('personnummer', 'in', [...checked.people.keys()]).execute()).map((r) => r.personnummer),
  );
  return {
    ok: true,
    persons: checked.people.size,
    memberships: checked.rows.length,
    rows: checked.rows.map((r) => ({ line: r.line, name: r.name, personnummer: r.personnummer, orgnr: r.orgnr, role: r.role, newPerson: !known.has(r.personnummer) })),
  };
}

async function checkAndImport(deps: { db: Db; clock: Clock }, csvText: string): Promise<ImportResult> {
  const checked = await check(deps, csvText);
  if (!checked.ok) return checked;
  const { people, rows } = checked;
  await deps.db.transaction().execute(async (trx) => {
    const accounts = createAccounts({ db: trx, clock: deps.clock });
    for (const [personnummer, p] of people) {
      await accounts.upsertPerson({ personnummer, name: p.name, email: p.email, phone: p.phone });
    }
    for (const row of rows) await accounts.addMembership(row.personnummer, row.orgnr, row.role);
  });
  return { ok: true, persons: people.size, memberships: rows.length };
}

type Checked =
  | { ok: true; rows: Row[]; people: Map<string, { line: number; name: string; email: string | null; phone: string | null }> }
  | { ok: false; problems: ImportProblem[] };

async function check(deps: { db: Db; clock: Clock }, csvText: string): Promise<Checked> {
  const parsed = parseCsv(csvText);
  if (!parsed.ok) return { ok: false, problems: [{ line: parsed.line, key: 'import.error.quote', params: {} }] };
  const [header, ...records] = parsed.records;
  const expected = COLUMNS.join(', ');
  if (!header) return { ok: false, problems: [{ line: 1, key: 'import.error.empty', params: {} }] };
  const order = header.fields.map((f) => ALIASES[f.trim().toLowerCase()]);
  if (order.some((c) => c === undefined) || new Set(order).size !== COLUMNS.length || order.length !== COLUMNS.length) {
    return { ok: false, problems: [{ line: header.line, key: 'import.error.header', params: { expected } }] };
  }
  if (records.length === 0) return { ok: false, problems: [{ line: header.line, key: 'import.error.empty', params: {} }] };

  const today = deps.clock.now();
  const knownOrgs = new Set((await deps.db.selectFrom('organisation').select('orgnr').execute()).map((r) => r.orgnr));
  const problems: ImportProblem[] = [];
  const rows: Row[] = [];
  const pairs = new Map<string, number>();
  const people = new Map<string, { line: number; name: string; email: string | null; phone: string | null }>();

  for (const record of records) {
    const line = record.line;
    if (record.fields.length !== COLUMNS.length) {
      problems.push({ line, key: 'import.error.columns', params: { expected: COLUMNS.length, got: record.fields.length } });
      continue;
    }
    const value = (c: Column) => (record.fields[order.indexOf(c)] ?? '').trim();
    const before = problems.length;
    const name = value('name');
    if (name === '' || name.length > 200) problems.push({ line, key: 'import.error.name', params: {} });
    const pnr = parsePersonalNumber(value('personnummer'), today);
    if (!pnr.ok) problems.push({ line, key: 'import.error.personnummer', params: { value: value('personnummer') } });
    const email = value('email');
    if (email !== '' && (email.length > 320 || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))) {
      problems.push({ line, key: 'import.error.email', params: { value: email } });
    }
    const phone = value('phone');
    const phoneDigits = phone.replace(/\D/g, '').length;
    if (phone !== '' && (!/^\+?[\d\s()-]+$/.test(phone) || phoneDigits < 6 || phoneDigits > 20)) {
      problems.push({ line, key: 'import.error.phone', params: { value: phone } });
    }
    const orgnr = parseOrgnr(value('orgnr'));
    if (!orgnr.ok) problems.push({ line, key: 'import.error.orgnr', params: { value: value('orgnr') } });
    else if (!knownOrgs.has(orgnr.value)) {
      problems.push({ line, key: 'import.error.unknownOrg', params: { value: formatOrgnr(orgnr.value) } });
    }
    const role = ROLES[value('role').toLowerCase()];
    if (!role) problems.push({ line, key: 'import.error.role', params: { value: value('role') } });
    if (problems.length > before || !pnr.ok || !orgnr.ok || !role) continue;

    const pairKey = `${pnr.value.value}/${orgnr.value}`;
    const firstLine = pairs.get(pairKey);
    if (firstLine !== undefined) {
      problems.push({ line, key: 'import.error.duplicate', params: { line: firstLine } });
      continue;
    }
    pairs.set(pairKey, line);
    const person = { line, name, email: email || null, phone: phone || null };
    const earlier = people.get(pnr.value.value);
    if (earlier && (earlier.name !== person.name || earlier.email !== person.email || earlier.phone !== person.phone)) {
      problems.push({ line, key: 'import.error.conflict', params: { line: earlier.line } });
      continue;
    }
    people.set(pnr.value.value, earlier ?? person);
    rows.push({ line, name, personnummer: pnr.value.value, email: person.email, phone: person.phone, orgnr: orgnr.value, role });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, rows, people };
}
