/**
 * The credentials a person has logged in with (`credential_seen`, which login owns): per
 * method, when it was first and last used, and the card's issuer, serial and expiry. Other
 * features read them here, not from the table (the card's expiry warning).
 */
import type { Db } from '../platform/db/index.js';

export interface CredentialSeen {
  method: string;
  last_used_at: string;
  cert_not_after: string | null;
}

export async function credentialsSeen(db: Db, personnummer: string): Promise<CredentialSeen[]> {
  return db.selectFrom('credential_seen').select(['method', 'last_used_at', 'cert_not_after']).where('personnummer', '=', personnummer).execute();
}
