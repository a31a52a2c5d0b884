/**
 * The people of the load case (bench/load.ts): many distinct, clearly fictional people with
 * valid personnummer, in fictional organisations with valid organisationsnummer. The load
 * generator writes them to a JSON file; the testbed (bench/servers/load-testbed.ts) gives
 * each a card or a BankID from the test PKIs, and the first portal seeds them as accounts
 * (person and membership) through the accounts service.
 */
import { luhnCheckDigit } from '../src/identity/personnummer.js';

/** How a person logs in and signs: with a Telia test card, or with BankID. */
export type LoadMethod = 'card' | 'bankid';

export interface LoadPerson {
  personnummer: string;
  givenName: string;
  surname: string;
  orgnr: string;
  method: LoadMethod;
}

export interface LoadOrganisation {
  orgnr: string;
  name: string;
}

export interface LoadPeople {
  organisations: LoadOrganisation[];
  people: LoadPerson[];
}

/** The signing code of every simulated card (what the person types into Net iD). */
export const LOAD_SIGNING_CODE = '123456';

/** People per organisation: cases are spread over organisations, as they would be. */
export const PEOPLE_PER_ORGANISATION = 10;
export const MAX_LOAD_PEOPLE = 5000;

const GIVEN_NAMES = [
  'Alva',
  'Bo',
  'Cilla',
  'Dan',
  'Ebba',
  'Frans',
  'Greta',
  'Hugo',
  'Ines',
  'Jon',
  'Klara',
  'Leo',
  'Maja',
  'Nils',
  'Olga',
  'Per',
  'Rut',
  'Sven',
  'Tove',
  'Ulf',
];
const SURNAMES = ['Lastprovsson', 'Belastningsberg', 'Provhage', 'Testlund', 'Mätström'];

/**
 * `count` people, alternately card and BankID holders. Person i is born 1940-01-01 plus
 * 5·i days with birth number 473 (no demo person has it), so every personnummer differs and
 * none lies in the future for up to MAX_LOAD_PEOPLE people.
 */
export function loadPeople(count: number): LoadPeople {
  if (!Number.isInteger(count) || count < 1 || count > MAX_LOAD_PEOPLE) {
    throw new RangeError(`load people: count must be 1..${MAX_LOAD_PEOPLE}`);
  }
  const organisations: LoadOrganisation[] = [];
  for (let k = 0; k < Math.ceil(count / PEOPLE_PER_ORGANISATION); k++) {
    const nine = `559900${String(k).padStart(3, '0')}`;
    organisations.push({ orgnr: `${nine}${luhnCheckDigit(nine)}`, name: `Lastprov ${k + 1} AB` });
  }
  const people: LoadPerson[] = [];
  for (let i = 0; i < count; i++) {
    const born = new Date(Date.UTC(1940, 0, 1) + i * 5 * 86_400_000);
    const yymmdd = born.toISOString().slice(2, 10).replace(/-/g, '');
    const ten = `${yymmdd}473`;
    const org = organisations[Math.floor(i / PEOPLE_PER_ORGANISATION)];
    if (!org) throw new RangeError('load people: no organisation');
    people.push({
      personnummer: `${String(born.getUTCFullYear()).slice(0, 2)}${ten}${luhnCheckDigit(ten)}`,
      givenName: GIVEN_NAMES[i % GIVEN_NAMES.length] ?? 'Alva',
      surname: `${SURNAMES[Math.floor(i / GIVEN_NAMES.length) % SURNAMES.length] ?? 'Lastprovsson'}-${i + 1}`,
      orgnr: org.orgnr,
      method: i % 2 === 0 ? 'card' : 'bankid',
    });
  }
  return { organisations, people };
}
