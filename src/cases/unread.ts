/**
 * Unread messages from the agency, counted without reading an organisation's every case
 * (the start page of a person in a large organisation, issue 14). Two stored counts
 * (migration 0011):
 *
 * - `agency_message_count (orgnr, messages)`: the agency's messages in the organisation's cases;
 * - `agency_message_read_count (personnummer, orgnr, messages)`: how many of those the person
 *   has read, that is their `message_read` rows on them.
 *
 * A person's unread messages in an organisation are the first less the second (no row: 0),
 * exactly what counting the organisation's cases would give: a read marker is unique per
 * message and person and refers to a message, and a case never changes organisation. A
 * person who joins later has read nothing yet. Each count changes in the transaction (or
 * statement) that changes what it counts: a message posted (`countPosted`), messages read
 * (`markRead`), a case removed by the retention purge (`forgetCase`).
 *
 * On PostgreSQL the rows are counted up and down in place (`messages = messages + n`), so
 * writers at once each add their own; the organisation's row is taken before a person's
 * (posting and the purge), and marking read takes a person's row only.
 */
import { sql, type Kysely, type QueryCreator, type Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import type { CaseMessage } from './model.js';

type Trx = Transaction<Database>;

/** Adds `n` to the messages of the agency `reader` has read in the organisation. */
async function addRead(q: Kysely<Database>, reader: string, orgnr: string, n: number): Promise<void> {
  if (n === 0) return;
  await q
    .insertInto('agency_message_read_count')
    .values({ personnummer: reader, orgnr, messages: n })
    .onConflict((oc) =>
      oc.columns(['personnummer', 'orgnr']).doUpdateSet((eb) => ({
        messages: eb('agency_message_read_count.messages', '+', eb.ref('excluded.messages')),
      })),
    )
    .execute();
}

/**
 * A message has been posted in a case of `orgnr` (in its transaction, after its row and its
 * author's read marker): one of the agency's counts once more, and as read by its author.
 */
export async function countPosted(trx: Trx, message: { orgnr: string; side: CaseMessage['side']; author: string }): Promise<void> {
  if (message.side !== 'agency') return;
  await trx
    .insertInto('agency_message_count')
    .values({ orgnr: message.orgnr, messages: 1 })
    .onConflict((oc) =>
      oc.column('orgnr').doUpdateSet((eb) => ({ messages: eb('agency_message_count.messages', '+', eb.ref('excluded.messages')) })),
    )
    .execute();
  await addRead(trx, message.author, message.orgnr, 1);
}

/**
 * Marks the messages `reader` has been shown as read, and counts the agency's among those
 * not marked already (another tab may have marked some at the same moment: only the markers
 * this call wrote count). PostgreSQL: one statement (the markers, then the count, in one
 * WITH); SQLite: one transaction.
 */
export async function markRead(
  db: Kysely<Database>,
  postgres: boolean,
  input: { orgnr: string; reader: string; messages: readonly Pick<CaseMessage, 'id' | 'side'>[]; at: string },
): Promise<void> {
  const { orgnr, reader, messages, at } = input;
  if (messages.length === 0) return;
  const agencyIds = messages.filter((m) => m.side === 'agency').map((m) => m.id);
  const markers = (q: QueryCreator<Database>) =>
    q
      .insertInto('message_read')
      .values(messages.map((m) => ({ message_id: m.id, personnummer: reader, read_at: at })))
      .onConflict((oc) => oc.columns(['message_id', 'personnummer']).doNothing());
  if (agencyIds.length === 0) {
    await markers(db).execute();
    return;
  }
  if (postgres) {
    await db
      .with('marked', (q) => markers(q).returning('message_read.message_id'))
      .insertInto('agency_message_read_count')
      .columns(['personnummer', 'orgnr', 'messages'])
      .expression((eb) =>
        eb
          .selectFrom('marked')
          .select([
            sql<string>`${reader}::varchar`.as('personnummer'),
            sql<string>`${orgnr}::varchar`.as('orgnr'),
            sql<number>`count(*)::integer`.as('messages'),
          ])
          .where('marked.message_id', 'in', agencyIds)
          .having(sql`count(*)`, '>', 0),
      )
      .onConflict((oc) =>
        oc.columns(['personnummer', 'orgnr']).doUpdateSet((eb) => ({
          messages: eb('agency_message_read_count.messages', '+', eb.ref('excluded.messages')),
        })),
      )
      .execute();
    return;
  }
  await db.transaction().execute(async (trx) => {
    const written = await markers(trx).returning('message_id').execute();
    const agency = new Set(agencyIds);
    await addRead(trx, reader, orgnr, written.filter((w) => agency.has(w.message_id)).length);
  });
}

/**
 * The retention purge is about to remove a case of `orgnr` with its messages and read
 * markers (in its transaction, the case row locked): the counts lose them first. On
 * PostgreSQL the case's messages are locked, so that no marker is added to them between the
 * count and their removal (a marker's foreign key waits for the lock).
 */
export async function forgetCase(trx: Trx, postgres: boolean, caseId: string, orgnr: string): Promise<void> {
  if (postgres) await trx.selectFrom('case_message').select('id').where('case_id', '=', caseId).forUpdate().execute();
  await trx
    .updateTable('agency_message_count')
    .set((eb) => ({
      messages: eb(
        'agency_message_count.messages',
        '-',
        eb.selectFrom('case_message').select((e) => e.fn.countAll<number>().as('n')).where('case_message.case_id', '=', caseId).where('case_message.side', '=', 'agency'),
      ),
    }))
    .where('agency_message_count.orgnr', '=', orgnr)
    .execute();
  // The readers of the case's agency messages lose what they read of them.
  const readers = trx
    .selectFrom('message_read')
    .innerJoin('case_message', 'case_message.id', 'message_read.message_id')
    .select('message_read.personnummer')
    .where('case_message.case_id', '=', caseId)
    .where('case_message.side', '=', 'agency');
  await trx
    .updateTable('agency_message_read_count')
    .set((eb) => ({
      messages: eb(
        'agency_message_read_count.messages',
        '-',
        eb
          .selectFrom('message_read')
          .innerJoin('case_message', 'case_message.id', 'message_read.message_id')
          .select((e) => e.fn.countAll<number>().as('n'))
          .where('case_message.case_id', '=', caseId)
          .where('case_message.side', '=', 'agency')
          .whereRef('message_read.personnummer', '=', 'agency_message_read_count.personnummer'),
      ),
    }))
    .where('agency_message_read_count.orgnr', '=', orgnr)
    .where('agency_message_read_count.personnummer', 'in', readers)
    .execute();
}
