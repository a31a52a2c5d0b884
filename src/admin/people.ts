/**
 * What staff admins do to people, organisations and memberships: each change checked
 * first (every problem reported by field, nothing saved on any), then made through the
 * accounts service and audited with the acting admin and what changed.
 */
import type { Accounts, Person } from '../accounts/service.js';
import type { AuditLog } from '../audit/service.js';
import type { Clock } from '../platform/clock.js';
import {
  codePointLength,
  collector,
  email,
  field,
  membershipRole,
  orgnr,
  personnummer,
  phone,
  text,
  type FieldErrors,
  type FormBody,
} from './validate.js';

/** Who acts, and from where (for the audit trail). */
export interface Actor {
  personnummer: string;
  ip: string | null;
}

export type Outcome<T = undefined> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export interface PersonFields {
  name: string;
  email: string | null;
  phone: string | null;
}

export const NAME_MAX = 200;
export const ORG_NAME_MAX = 300;

export function createPeopleAdmin(deps: { accounts: Accounts; audit: AuditLog; clock: Clock }) {
  const { accounts, audit, clock } = deps;

  function checkPersonFields(body: FormBody, check: ReturnType<typeof collector>): PersonFields | undefined {
    const name = check.take('name', text(field(body, 'name'), { max: NAME_MAX, required: true }));
    const mail = check.take('email', email(field(body, 'email')));
    const tel = check.take('phone', phone(field(body, 'phone')));
    if (name === undefined || mail === undefined || tel === undefined) return undefined;
    return { name, email: mail, phone: tel };
  }

  return {
    /** Adds a person from the form (`personnummer`, `name`, `email`, `phone`); the canonical number. */
    async addPerson(body: FormBody, actor: Actor): Promise<Outcome<string>> {
      const check = collector();
      const pnr = check.take('personnummer', personnummer(field(body, 'personnummer'), clock.now()));
      const fields = checkPersonFields(body, check);
      if (!pnr || !fields) return { ok: false, errors: check.errors };
      if (!(await accounts.addPerson({ personnummer: pnr, ...fields }))) {
        return { ok: false, errors: { personnummer: { key: 'admin.people.error.exists' } } };
      }
      await audit.record({
        event: 'person_added',
        outcome: 'success',
        actor: actor.personnummer,
        subject: pnr,
        ip: actor.ip,
        details: { ...fields },
      });
      return { ok: true, value: pnr };
    },

    /** Changes name, e-mail and phone of a known person. */
    async updatePerson(pnr: string, body: FormBody, actor: Actor): Promise<Outcome> {
      const check = collector();
      const fields = checkPersonFields(body, check);
      if (!fields) return { ok: false, errors: check.errors };
      const before = await accounts.findPerson(pnr);
      if (!before || !(await accounts.updatePerson(pnr, fields)))
        return { ok: false, errors: { name: { key: 'admin.people.error.gone' } } };
      await audit.record({
        event: 'person_changed',
        outcome: 'success',
        actor: actor.personnummer,
        subject: pnr,
        ip: actor.ip,
        details: { before: personFields(before), after: fields },
      });
      return { ok: true, value: undefined };
    },

    /** Deactivates (no login any more) or reactivates a person; false when unknown. */
    async setPersonActive(pnr: string, active: boolean, actor: Actor): Promise<boolean> {
      const before = await accounts.findPerson(pnr);
      if (!before) return false;
      if (before.active === active) return true;
      await accounts.setPersonActive(pnr, active);
      await audit.record({
        event: active ? 'person_reactivated' : 'person_deactivated',
        outcome: 'success',
        actor: actor.personnummer,
        subject: pnr,
        ip: actor.ip,
      });
      return true;
    },

    /** Adds (or changes the role of) a membership of a known person in a known organisation. */
    async addMembership(pnr: string, body: FormBody, actor: Actor): Promise<Outcome> {
      const check = collector();
      const org = check.take('orgnr', orgnr(field(body, 'orgnr')));
      const role = check.take('role', membershipRole(field(body, 'role')));
      if (!org || !role) return { ok: false, errors: check.errors };
      const organisation = await accounts.findOrganisation(org);
      if (!organisation) return { ok: false, errors: { orgnr: { key: 'admin.people.error.unknownOrg' } } };
      if (!(await accounts.findPerson(pnr)))
        return { ok: false, errors: { orgnr: { key: 'admin.people.error.gone' } } };
      const before = (await accounts.allMemberships(pnr)).find((m) => m.orgnr === org);
      await accounts.addMembership(pnr, org, role);
      await audit.record({
        event: 'membership_added',
        outcome: 'success',
        actor: actor.personnummer,
        subject: pnr,
        ip: actor.ip,
        details: { orgnr: org, role, ...(before ? { previousRole: before.role } : {}) },
      });
      return { ok: true, value: undefined };
    },

    /** Removes a membership; false when there was none. */
    async removeMembership(pnr: string, org: string, actor: Actor): Promise<boolean> {
      const before = (await accounts.allMemberships(pnr)).find((m) => m.orgnr === org);
      if (!before || !(await accounts.removeMembership(pnr, org))) return false;
      await audit.record({
        event: 'membership_removed',
        outcome: 'success',
        actor: actor.personnummer,
        subject: pnr,
        ip: actor.ip,
        details: { orgnr: org, role: before.role },
      });
      return true;
    },

    /** Adds an organisation from the form (`orgnr`, `name`); the canonical number. */
    async addOrganisation(body: FormBody, actor: Actor): Promise<Outcome<string>> {
      const check = collector();
      const org = check.take('orgnr', orgnr(field(body, 'orgnr')));
      const name = check.take('name', text(field(body, 'name'), { max: ORG_NAME_MAX, required: true }));
      if (!org || !name) return { ok: false, errors: check.errors };
      if (!(await accounts.addOrganisation({ orgnr: org, name })))
        return { ok: false, errors: { orgnr: { key: 'admin.orgs.error.exists' } } };
      await audit.record({
        event: 'organisation_added',
        outcome: 'success',
        actor: actor.personnummer,
        subject: org,
        ip: actor.ip,
        details: { name },
      });
      return { ok: true, value: org };
    },

    async renameOrganisation(org: string, body: FormBody, actor: Actor): Promise<Outcome> {
      const check = collector();
      const name = check.take('name', text(field(body, 'name'), { max: ORG_NAME_MAX, required: true }));
      if (!name) return { ok: false, errors: check.errors };
      const before = await accounts.findOrganisation(org);
      if (!before || !(await accounts.renameOrganisation(org, name)))
        return { ok: false, errors: { name: { key: 'admin.orgs.error.gone' } } };
      await audit.record({
        event: 'organisation_renamed',
        outcome: 'success',
        actor: actor.personnummer,
        subject: org,
        ip: actor.ip,
        details: { before: before.name, after: name },
      });
      return { ok: true, value: undefined };
    },

    /** Deactivates (nobody can act for it) or reactivates an organisation; false when unknown. */
    async setOrganisationActive(org: string, active: boolean, actor: Actor): Promise<boolean> {
      const before = await accounts.findOrganisation(org);
      if (!before) return false;
      if (before.active === active) return true;
      await accounts.setOrganisationActive(org, active);
      await audit.record({
        event: active ? 'organisation_reactivated' : 'organisation_deactivated',
        outcome: 'success',
        actor: actor.personnummer,
        subject: org,
        ip: actor.ip,
      });
      return true;
    },
  };
}

function personFields(p: Person): PersonFields {
  return { name: p.name, email: p.email, phone: p.phone };
}

export type PeopleAdmin = ReturnType<typeof createPeopleAdmin>;

/** What the people search box means: an exact number, the start of one, or a name. */
export type PeopleQuery =
  | { kind: 'none' }
  | { kind: 'personnummer'; value: string }
  | { kind: 'prefix'; value: string }
  | { kind: 'name'; value: string }
  | { kind: 'invalid'; key: 'admin.error.personnummer' | 'admin.people.error.query' };

/**
 * Reads the search box: a full personnummer in any usual shape is normalised by the
 * personnummer parser (and must be valid); a shorter run of digits is the start of a
 * 12-digit number; anything else is a name fragment of at least two characters.
 */
export function parsePeopleQuery(raw: string, today: Date): PeopleQuery {
  const q = raw.normalize('NFC').trim();
  if (q === '') return { kind: 'none' };
  const compact = q.replace(/[\s+-]/g, '');
  if (/^\d+$/.test(compact)) {
    if (compact.length === 10 || compact.length === 12) {
      const parsed = personnummer(q, today);
      return parsed.ok
        ? { kind: 'personnummer', value: parsed.value }
        : { kind: 'invalid', key: 'admin.error.personnummer' };
    }
    return compact.length <= 12
      ? { kind: 'prefix', value: compact }
      : { kind: 'invalid', key: 'admin.error.personnummer' };
  }
  const checked = text(q, { max: 100, required: true });
  if (!checked.ok || codePointLength(checked.value) < 2)
    return { kind: 'invalid', key: 'admin.people.error.query' };
  return { kind: 'name', value: checked.value };
}
