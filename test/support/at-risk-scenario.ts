/**
 * Known data for the at-risk report (src/reports): people, memberships, credentials with
 * card expiry dates and login events, on top of the demo data startTestApp seeds —
 * Tolvan (Nordvik + Skärgården), Testa (Nordvik), Kim (Skärgården), Hedda (staff: case
 * officer + admin). Used by the report's HTTP tests and its browser journey.
 */
import type { MethodId } from '../../src/identity/methods.js';
import type { TestApp } from './app.js';

export const TOLVAN = '191212121212';
export const TESTA = '198112289874';
export const KIM = '197010632391';
export const HEDDA = '196408231238';
export const ULLA = '195503051236';
export const OLLE = '196004122344';
export const GUNNAR = '197107203452';
export const INGA = '198211154565';
export const EBBA = '199002285675';
export const SARA = '197309096787';
export const CARL = '196812017892';

export const NORDVIK = '5566778899';
export const SKARGARDEN = '5590123450';
export const EKBERG = '5561234567';

export const T1 = '2026-11-28T09:00:00.000Z';
/** After BankID started (2027-09-15); nothing more is planned. */
export const T2 = '2027-09-20T08:00:00.000Z';

export async function seedAtRiskScenario(t: TestApp): Promise<void> {
  const { accounts, db } = t.services;
  await accounts.upsertOrganisation({ orgnr: EKBERG, name: 'Ekbergs Optronik AB' });
  const people: [string, string, string | null, string | null][] = [
    [ULLA, 'Ulla Utgången', 'ulla@ekberg.example', EKBERG],
    [OLLE, 'Olle Oinloggad', 'olle@ekberg.example', EKBERG],
    [GUNNAR, 'Gunnar Gammal', null, EKBERG],
    [INGA, 'Inga Inaktiv', 'inga@ekberg.example', EKBERG],
    [SARA, 'Sara Skattekort', 'sara@ekberg.example', EKBERG],
    [EBBA, 'Ebba Epostlös', null, NORDVIK],
    // A stored address that smuggles in a second recipient must never reach the mail server.
    [CARL, 'Carl Caseofficer', 'carl@myndigheten.example, spy@evil.example', null],
  ];
  for (const [personnummer, name, email, orgnr] of people) {
    await accounts.upsertPerson({ personnummer, name, email });
    if (orgnr) await accounts.addMembership(personnummer, orgnr, 'user');
  }
  await accounts.addStaffRole(CARL, 'case_officer');
  await accounts.setPersonActive(INGA, false);

  const seen = (personnummer: string, method: MethodId, lastUsed: string, notAfter: string | null) =>
    db
      .insertInto('credential_seen')
      .values({ personnummer, method, first_used_at: lastUsed, last_used_at: lastUsed, cert_issuer: 'CN=Telia', cert_serial: '01', cert_not_after: notAfter })
      .execute();
  await seen(TOLVAN, 'telia_card', '2026-10-01T08:00:00.000Z', '2027-03-01T12:00:00.000Z');
  await seen(TESTA, 'telia_card', '2026-11-01T08:00:00.000Z', '2029-01-01T12:00:00.000Z');
  await seen(KIM, 'telia_card', '2026-09-01T08:00:00.000Z', '2027-01-15T12:00:00.000Z');
  await seen(ULLA, 'telia_card', '2026-08-01T08:00:00.000Z', '2026-11-01T12:00:00.000Z'); // already expired
  await seen(GUNNAR, 'telia_card', '2024-05-01T08:00:00.000Z', '2027-01-01T12:00:00.000Z'); // not used for 2½ years
  await seen(EBBA, 'telia_card', '2026-10-10T08:00:00.000Z', '2027-02-01T12:00:00.000Z');
  await seen(INGA, 'telia_card', '2026-10-10T08:00:00.000Z', '2026-12-01T12:00:00.000Z'); // inactive: never listed

  const event = (at: string, name: string, subject: string) =>
    db.insertInto('audit_event').values({ at, event: name, outcome: name === 'login_failed' ? 'failure' : 'success', actor: TESTA, subject, ip: null, details: null }).execute();
  await event('2025-11-30T12:00:00.000Z', 'login', 'telia_card'); // November 2025: before the twelve months
  await event('2025-12-31T23:30:00.000Z', 'login', 'telia_card'); // 00:30 on 1 January in Stockholm
  await event('2026-01-15T10:00:00.000Z', 'login', 'telia_card');
  await event('2026-01-15T11:00:00.000Z', 'login', 'telia_card');
  await event('2026-03-01T10:00:00.000Z', 'login_failed', 'telia_card'); // failures do not count
  await event('2026-04-30T22:30:00.000Z', 'login', 'telia_card'); // 00:30 on 1 May in Stockholm (CEST)
  await event('2026-06-10T10:00:00.000Z', 'login', 'bankid');
  await event('2026-11-02T08:00:00.000Z', 'logout', 'telia_card');
  await event('2026-11-02T08:00:00.000Z', 'login', 'telia_card');
}

