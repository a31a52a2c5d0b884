/**
 * Table types for Kysely. Timestamps are ISO-8601 UTC text (`YYYY-MM-DDTHH:mm:ss.sssZ`,
 * which sorts as time) and booleans are 0/1 integers, so that one portable migration set
 * serves SQLite and PostgreSQL. Each table is owned by one module (DESIGN.md §4).
 */
import type { ColumnType, Generated } from 'kysely';

export interface PersonTable {
  personnummer: string;
  name: string;
  email: string | null;
  phone: string | null;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface OrganisationTable {
  orgnr: string;
  name: string;
  active: number;
  created_at: string;
}

export interface MembershipTable {
  personnummer: string;
  orgnr: string;
  role: 'user' | 'org_admin';
  created_at: string;
}

export interface StaffRoleTable {
  personnummer: string;
  role: 'case_officer' | 'admin';
  created_at: string;
}

export interface LoginMethodTable {
  id: string;
  sort_order: number;
  enabled_from: string;
  enabled_until: string | null;
  announce_as: 'day' | 'week' | 'mid_month' | 'month';
  notice_sv: string | null;
  notice_en: string | null;
  updated_at: string;
}

export interface CredentialSeenTable {
  personnummer: string;
  method: string;
  first_used_at: string;
  last_used_at: string;
  cert_issuer: string | null;
  cert_serial: string | null;
  cert_not_after: string | null;
}

export interface KvStoreTable {
  key: string;
  value: string;
  /** Milliseconds since the epoch (PostgreSQL returns bigint as a string). */
  expires_at: ColumnType<number | string, number, number>;
}

export interface AuditEventTable {
  /** PostgreSQL returns bigint identities as strings. */
  id: Generated<number | string>;
  at: string;
  event: string;
  outcome: 'success' | 'failure';
  actor: string | null;
  subject: string | null;
  ip: string | null;
  details: string | null;
}

export interface SignatureEvidenceTable {
  id: string;
  request_id: string;
  purpose: string;
  subject: string;
  method: string;
  signer_personnummer: string;
  signer_name: string | null;
  /** SHA-256 of the canonical document, lower-case hex. */
  digest: string;
  /** The canonical document exactly as signed. */
  document: string;
  visible_text: string;
  /** Method-specific JSON: CMS + certificates + OCSP response, or BankID completion data. */
  evidence: string;
  signed_at: string;
  verified_at: string;
}

/** The RFC 3161 timestamp of one piece of signature evidence (signing/timestamps.ts). */
export interface EvidenceTimestampTable {
  evidence_id: string;
  state: 'pending' | 'stamped';
  /** The TimeStampToken (CMS ContentInfo), DER in base64; null while pending. */
  token: string | null;
  gen_time: string | null;
  /** The TSA asked (its URL). */
  tsa: string;
  attempts: number;
  next_attempt_at: string;
  /** Why the last try failed (the TSA's answer, never the stamped data). */
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export type CaseStatus = 'draft' | 'submitted' | 'in_progress' | 'closed';

export interface CaseFileTable {
  id: string;
  orgnr: string;
  type_id: string;
  kind: 'case' | 'message';
  status: CaseStatus;
  title: string;
  /** JSON of the field values (see cases/types.ts `CaseData`). */
  data: string;
  revision: number;
  case_number: string | null;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
  submitted_by: string | null;
  submitted_at: string | null;
  evidence_id: string | null;
  digest: string | null;
  officer: string | null;
  closed_at: string | null;
}

export interface FileContentTable {
  sha256: string;
  size: number;
  bytes: Uint8Array;
  created_at: string;
}

/** A submitted case's sealed receipt PDF in one language (cases/receipt-store.ts). */
export interface CaseReceiptTable {
  case_id: string;
  lang: string;
  pdf: Uint8Array;
  sha256: string;
  sealed_at: string;
  /** 1 once the seal carries a signature timestamp (PAdES B-T). */
  timestamped: number;
}

export interface AttachmentTable {
  id: string;
  case_id: string;
  message_id: string | null;
  sha256: string;
  file_name: string;
  media_type: string;
  size: number;
  uploaded_by: string;
  uploaded_at: string;
}

export interface CaseMessageTable {
  id: string;
  case_id: string;
  side: 'organisation' | 'agency';
  author: string;
  body: string;
  created_at: string;
}

export interface MessageReadTable {
  message_id: string;
  personnummer: string;
  read_at: string;
}

/** The agency's messages in an organisation's cases (cases/unread.ts). */
export interface AgencyMessageCountTable {
  orgnr: string;
  messages: number;
}

/** How many of the agency's messages in an organisation's cases a person has read (cases/unread.ts). */
export interface AgencyMessageReadCountTable {
  personnummer: string;
  orgnr: string;
  messages: number;
}

export interface OrgContactTable {
  id: string;
  orgnr: string;
  name: string;
  address: string;
  country: string;
  created_at: string;
}

export interface OrgProductTable {
  id: string;
  orgnr: string;
  description: string;
  classification: string;
  created_at: string;
}

export interface MembershipRequestTable {
  id: string;
  orgnr: string;
  action: 'add' | 'remove';
  personnummer: string;
  name: string;
  email: string | null;
  phone: string | null;
  role: 'user' | 'org_admin';
  status: 'pending' | 'approved' | 'rejected' | 'withdrawn';
  requested_by: string;
  requested_at: string;
  handled_by: string | null;
  handled_at: string | null;
  note: string | null;
}

export interface CounterTable {
  name: string;
  value: number;
}

export interface PurgeRunTable {
  id: string;
  started_at: string;
  finished_at: string | null;
  dry_run: number;
  instance: string;
  trigger: 'command' | 'automatic';
  /** JSON: counts per type. */
  counts: string;
}

export interface PurgeLeaseTable {
  name: string;
  owner: string;
  expires_at: string;
}

export interface Database {
  person: PersonTable;
  organisation: OrganisationTable;
  membership: MembershipTable;
  staff_role: StaffRoleTable;
  login_method: LoginMethodTable;
  credential_seen: CredentialSeenTable;
  kv_store: KvStoreTable;
  audit_event: AuditEventTable;
  signature_evidence: SignatureEvidenceTable;
  evidence_timestamp: EvidenceTimestampTable;
  case_file: CaseFileTable;
  file_content: FileContentTable;
  attachment: AttachmentTable;
  case_message: CaseMessageTable;
  message_read: MessageReadTable;
  agency_message_count: AgencyMessageCountTable;
  agency_message_read_count: AgencyMessageReadCountTable;
  org_contact: OrgContactTable;
  org_product: OrgProductTable;
  membership_request: MembershipRequestTable;
  counter: CounterTable;
  purge_run: PurgeRunTable;
  purge_lease: PurgeLeaseTable;
  case_receipt: CaseReceiptTable;
}
