import type { Kysely } from 'kysely';

/**
 * Indexes for what is held about one person (the admin's data access report, GDPR art. 15):
 * the cases they created or submitted, the messages they wrote, and the audit events about
 * them. The events they did use `audit_event_actor`, their signatures `signature_evidence_signer`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('case_file_created_by').on('case_file').columns(['created_by', 'created_at']).execute();
  await db.schema.createIndex('case_file_submitted_by').on('case_file').columns(['submitted_by', 'submitted_at']).execute();
  await db.schema.createIndex('case_message_author').on('case_message').columns(['author', 'created_at']).execute();
  await db.schema.createIndex('audit_event_subject').on('audit_event').columns(['subject', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of ['audit_event_subject', 'case_message_author', 'case_file_submitted_by', 'case_file_created_by']) {
    await db.schema.dropIndex(name).execute();
  }
}
