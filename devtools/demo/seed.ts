/**
 * Demo organisations and people: clearly fictional names with valid test personal numbers
 * (shared/reference/domain.md). Loaded only in demo and test mode; production refuses
 * KW_DEMO_SEED.
 */
import type { Register } from '../../src/organisation/register.js';
import type { Accounts } from '../../src/accounts/service.js';

export const DEMO_ORGANISATIONS = [
  { orgnr: '5566778899', name: 'Nordvik Försvarsteknik AB' },
  { orgnr: '5590123450', name: 'Skärgårdens Sensorer AB' },
] as const;

export interface DemoPerson {
  personnummer: string;
  name: string;
  email: string;
  phone: string;
  memberships: { orgnr: string; role: 'user' | 'org_admin' }[];
  staff: ('case_officer' | 'admin')[];
  /** What the person shows in the demo. */
  about: string;
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  {
    personnummer: '191212121212',
    name: 'Tolvan Tolvansson',
    email: 'tolvan@nordvik.example',
    phone: '+46 70 000 12 12',
    memberships: [
      { orgnr: '5566778899', role: 'user' },
      { orgnr: '5590123450', role: 'org_admin' },
    ],
    staff: [],
    about: 'acts for two companies (user at one, administrator at the other)',
  },
  {
    personnummer: '198112289874',
    name: 'Testa Testsson',
    email: 'testa@nordvik.example',
    phone: '+46 70 000 98 74',
    memberships: [{ orgnr: '5566778899', role: 'user' }],
    staff: [],
    about: 'acts for one company',
  },
  {
    personnummer: '197010632391',
    name: 'Kim Koordinatsson',
    email: 'kim@skargarden.example',
    phone: '+46 70 000 23 91',
    memberships: [{ orgnr: '5590123450', role: 'user' }],
    staff: [],
    about: 'has a samordningsnummer',
  },
  {
    personnummer: '196408231238',
    name: 'Hedda Handläggare',
    email: 'hedda@myndigheten.example',
    phone: '+46 8 000 12 38',
    memberships: [],
    staff: ['case_officer', 'admin'],
    about: 'agency staff: case officer and administrator',
  },
];

/** Idempotent: upserts the demo data. */
export async function seedDemoData(accounts: Accounts): Promise<void> {
  for (const org of DEMO_ORGANISATIONS) await accounts.upsertOrganisation(org);
  for (const person of DEMO_PEOPLE) {
    await accounts.upsertPerson(person);
    for (const m of person.memberships) await accounts.addMembership(person.personnummer, m.orgnr, m.role);
    for (const role of person.staff) await accounts.addStaffRole(person.personnummer, role);
  }
}

/** A few fictional contacts and products in the demo organisations' registers, once. */
export async function seedDemoRegister(register: Register): Promise<void> {
  const nordvik = '5566778899';
  if ((await register.contacts(nordvik)).length > 0) return;
  await register.addContact(nordvik, { name: 'Försvarsmaterielverket i Exempelland', address: 'Exempelgatan 1\n1000 Exempelstad', country: 'NO' }, 'demo');
  await register.addContact(nordvik, { name: 'Demo Defence Industries Ltd', address: '1 Sample Street\nSampletown', country: 'GB' }, 'demo');
  await register.addProduct(nordvik, { description: 'Mörkersikte NV-200', classification: 'ML15' }, 'demo');
  await register.addProduct(nordvik, { description: 'Krypteringsmodul KM-5', classification: '5A002.a' }, 'demo');
}
