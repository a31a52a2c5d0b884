/**
 * What another feature may ask of a piece of signature evidence inside its own statement
 * (one round trip for a page), as subqueries written here, by their owner: who signed, how
 * and when, and the state of its timestamp as stored (the signature check verifies the token).
 */
import { expressionBuilder, sql, type Expression } from 'kysely';
import type { Database } from '../platform/db/schema.js';

const eb = expressionBuilder<Database>();

/** One fact of the evidence with this id (null when there is none). */
export const evidenceFactOf = (evidenceId: Expression<string | null>, fact: 'method' | 'signer_name' | 'signed_at') =>
  eb.selectFrom('signature_evidence').select(`signature_evidence.${fact}`).where('signature_evidence.id', '=', evidenceId as Expression<string>);

/** The stored timestamp's state, as `timestampOf` tells it: 'stamped' (a token), 'pending', or null (none). */
export const timestampStateOf = (evidenceId: Expression<string | null>) =>
  eb
    .selectFrom('evidence_timestamp')
    .select((e) =>
      e
        .case()
        .when(e.and([e('evidence_timestamp.state', '=', 'stamped'), e('evidence_timestamp.token', 'is not', null)]))
        .then(sql.lit<'stamped' | 'pending'>('stamped'))
        .else(sql.lit<'stamped' | 'pending'>('pending'))
        .end()
        .as('state'),
    )
    .where('evidence_timestamp.evidence_id', '=', evidenceId as Expression<string>);

/** The time the TSA gave a stamped timestamp (null when pending, none, or not given). */
export const timestampGenTimeOf = (evidenceId: Expression<string | null>) =>
  eb
    .selectFrom('evidence_timestamp')
    .select('evidence_timestamp.gen_time')
    .where('evidence_timestamp.evidence_id', '=', evidenceId as Expression<string>)
    .where('evidence_timestamp.state', '=', 'stamped')
    .where('evidence_timestamp.token', 'is not', null);
