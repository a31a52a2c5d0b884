/**
 * The data access report (registerutdrag, GDPR art. 15): what Kundwebben holds about one
 * person, gathered from the owning features' services (accounts, cases, signing, audit),
 * each list capped so that a person with thousands of rows still makes a bounded page.
 * Producing it is audited: the admin as actor, the person as subject, as every admin
 * event about a person is.
 */
import type { Accounts, MembershipOfPerson, Person } from '../accounts/service.js';
import type { AuditLog } from '../audit/service.js';
import type { Cases } from '../cases/service.js';
import type { CaseOfPerson, MessageOfPerson } from '../cases/person-data.js';
import type { StaffRole } from '../identity/roles.js';
import type { Clock } from '../platform/clock.js';
import type { Signing } from '../signing/service.js';
import type { Actor } from './people.js';

/** The most cases and messages the report lists; the rest are counted. */
export const REPORT_LIST_MAX = 50;

export interface PersonReport {
  producedAt: Date;
  producedBy: { personnummer: string; name: string | null };
  person: Person & { createdAt: string; updatedAt: string };
  staff: StaffRole[];
  memberships: Array<MembershipOfPerson & { since: string }>;
  logins: Array<{ method: string; count: number; first: string; last: string }>;
  cases: {
    total: number;
    rows: Array<CaseOfPerson & { orgName: string | null; signature: { method: string; signedAt: string } | null }>;
  };
  messages: { total: number; rows: MessageOfPerson[] };
  events: Array<{ event: string; outcome: 'success' | 'failure'; byPerson: number; aboutPerson: number }>;
}

export function createPersonReports(deps: {
  accounts: Accounts;
  audit: AuditLog;
  cases: Pick<Cases, 'casesOfPerson' | 'messagesOfPerson'>;
  signing: Pick<Signing, 'signatureTimes'>;
  clock: Clock;
}) {
  const { accounts, audit, cases, signing, clock } = deps;
  return {
    /** The report about a known person (undefined when unknown), its production audited. */
    async produce(pnr: string, actor: Actor): Promise<PersonReport | undefined> {
      const record = await accounts.personRecord(pnr);
      if (!record) return undefined;
      const [staff, admin, ofPerson, messages, summary] = await Promise.all([
        accounts.staffRoles(pnr),
        accounts.findPerson(actor.personnummer),
        cases.casesOfPerson(pnr, REPORT_LIST_MAX),
        cases.messagesOfPerson(pnr, REPORT_LIST_MAX),
        audit.personSummary(pnr),
      ]);
      const [orgNames, signatures] = await Promise.all([
        accounts.organisationNames(ofPerson.cases.map((c) => c.orgnr)),
        signing.signatureTimes(ofPerson.cases.flatMap((c) => (c.evidenceId ? [c.evidenceId] : []))),
      ]);
      const producedAt = clock.now();
      await audit.record({
        event: 'data_access_report',
        outcome: 'success',
        actor: actor.personnummer,
        subject: pnr,
        ip: actor.ip,
        details: {
          cases: ofPerson.total,
          messages: messages.total,
          memberships: record.memberships.length,
        },
      });
      return {
        producedAt,
        producedBy: { personnummer: actor.personnummer, name: admin?.name ?? null },
        person: record.person,
        staff,
        memberships: record.memberships,
        logins: summary.logins,
        cases: {
          total: ofPerson.total,
          rows: ofPerson.cases.map((c) => ({
            ...c,
            orgName: orgNames.get(c.orgnr) ?? null,
            signature: (c.evidenceId && signatures.get(c.evidenceId)) || null,
          })),
        },
        messages: { total: messages.total, rows: messages.messages },
        events: summary.events,
      };
    },
  };
}
