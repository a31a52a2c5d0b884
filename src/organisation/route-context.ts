/**
 * What every organisation route gets: its dependencies; the one access rule (`acting`: the
 * organisation the person acts for now, and whether they are its admin); and the fields of
 * the pages' forms with the parsing the register and the users page share.
 */
import type { FastifyRequest } from 'fastify';
import type { Accounts } from '../accounts/service.js';
import type { Principal } from '../identity/sessions.js';
import type { Clock } from '../platform/clock.js';
import type { Lang, Messages } from '../platform/i18n/index.js';
import { requirePrincipal } from '../web/guard.js';
import { AppError } from '../web/errors.js';
import type { ViewDeps } from '../web/render.js';
import { parseFieldValue } from '../cases/formats.js';
import { problemText } from '../cases/views/fields.js';
import { fieldSpec, type ScalarField } from '../cases/types.js';
import type { Register } from './register.js';

export interface OrgRoutesDeps extends ViewDeps {
  clock: Clock;
  accounts: Accounts;
  register: Register;
}

/** The organisation a person acts for now, as the organisation pages see it. */
export interface ActingOrg {
  principal: Principal;
  orgnr: string;
  orgName: string;
  isAdmin: boolean;
}

export type OrgAccess = ReturnType<typeof createOrgAccess>;

export function createOrgAccess(deps: Pick<OrgRoutesDeps, 'accounts'>) {
  const { accounts } = deps;

  async function acting(request: FastifyRequest): Promise<ActingOrg> {
    const { principal } = requirePrincipal(request);
    if (!principal.orgnr) throw new AppError('forbidden', 'no acting organisation');
    const m = (await accounts.memberships(principal.personnummer)).find((x) => x.orgnr === principal.orgnr);
    if (!m) throw new AppError('forbidden', 'not a member');
    return { principal, orgnr: m.orgnr, orgName: m.orgName, isAdmin: m.role === 'org_admin' };
  }

  return { acting };
}

const L = (sv: string, en: string) => ({ sv, en });
const field = (
  id: string,
  type: ScalarField['type'],
  label: { sv: string; en: string },
  required: boolean,
  extra: Partial<ScalarField> = {},
): ScalarField => ({
  id,
  type,
  label,
  hint: undefined,
  required,
  maxLength: undefined,
  min: undefined,
  max: undefined,
  options: undefined,
  ...extra,
});

export const CONTACT_FIELDS: readonly ScalarField[] = [
  field('name', 'text', L('Namn', 'Name'), true),
  field('address', 'textarea', L('Adress', 'Address'), true, { maxLength: 500 }),
  field('country', 'country', L('Land', 'Country'), true),
];
export const PRODUCT_FIELDS: readonly ScalarField[] = [
  field('description', 'text', L('Beskrivning', 'Description'), true),
  field(
    'classification',
    'text',
    L(
      'Klassning (ML-kategori eller kontrollnummer i bilaga I)',
      'Classification (ML category or Annex I entry)',
    ),
    true,
    {
      maxLength: 30,
      hint: L('Till exempel ML4 eller 5A002.a.', 'For example ML4 or 5A002.a.'),
    },
  ),
];
export const USER_FIELDS: readonly ScalarField[] = [
  field('personnummer', 'text', L('Personnummer', 'Personal identity number'), true, {
    maxLength: 20,
    hint: L(
      'ÅÅÅÅMMDD-NNNN, personnummer eller samordningsnummer.',
      'YYYYMMDD-NNNN, personal identity number or coordination number.',
    ),
  }),
  field('name', 'text', L('Namn', 'Name'), true),
  field('email', 'email', L('E-postadress', 'E-mail address'), true),
  field('phone', 'phone', L('Telefonnummer', 'Phone number'), false),
  field('role', 'select', L('Roll', 'Role'), true, {
    options: [
      { value: 'user', label: L('Användare', 'User') },
      {
        value: 'org_admin',
        label: L('Administratör för organisationen', 'Administrator of the organisation'),
      },
    ],
  }),
];

/** A submitted form: the values as typed or parsed, and the problems by field path. */
export interface Parsed {
  values: Record<string, string>;
  errors: Map<string, string>;
}

export function parseForm(
  fields: readonly ScalarField[],
  body: Record<string, unknown>,
  lang: Lang,
  t: Messages,
  prefix: string,
): Parsed {
  const values: Record<string, string> = {};
  const errors = new Map<string, string>();
  for (const f of fields) {
    const raw = typeof body[f.id] === 'string' ? (body[f.id] as string) : undefined;
    const spec = fieldSpec(f);
    const r = parseFieldValue(spec, raw, lang);
    if (r.ok) values[f.id] = r.value;
    else {
      values[f.id] = raw ?? '';
      errors.set(`${prefix}${f.id}`, problemText(t, spec, r.problem, lang));
    }
  }
  return { values, errors };
}

/** The fields of one of several forms on a page, whose names carry the form's prefix. */
export function unprefix(body: Record<string, unknown> | undefined, prefix: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body ?? {})
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v]),
  );
}
