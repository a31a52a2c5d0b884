/**
 * What another feature may ask of people, organisations and memberships inside its own
 * statement (one round trip for a page), as subqueries written here, by their owner: a
 * person's name, an organisation's name, and whether a person is a member of an active
 * organisation (exactly what `memberships` lists).
 */
import { expressionBuilder, type Expression } from 'kysely';
import type { Database } from '../platform/db/schema.js';

const eb = expressionBuilder<Database>();

/** The name of the person with this personnummer (null when there is none). */
export const personNameOf = (personnummer: Expression<string | null>) =>
  eb.selectFrom('person').select('person.name').where('person.personnummer', '=', personnummer as Expression<string>);

/** The name of the organisation with this orgnr (null when there is none). */
export const organisationNameOf = (orgnr: Expression<string>) =>
  eb.selectFrom('organisation').select('organisation.name').where('organisation.orgnr', '=', orgnr);

/** Whether `personnummer` is a member of the organisation `orgnr` and it is active (as `memberships` counts them). */
export const isActiveMemberOf = (personnummer: string, orgnr: Expression<string>) =>
  eb.exists(
    eb
      .selectFrom('membership')
      .innerJoin('organisation', 'organisation.orgnr', 'membership.orgnr')
      .select('membership.orgnr')
      .where('membership.personnummer', '=', personnummer)
      .where('membership.orgnr', '=', orgnr)
      .where('organisation.active', '=', 1),
  );
