/**
 * The port through which a signing method offers itself on the sign page. The method
 * features (bankid/, card/) are given to the signing routes as a list of these by the
 * composition (app.tsx), so signing/ names none of them.
 */
import type { TextKey } from '../platform/i18n/index.js';

/** A way to sign, offered on the sign page when its method is enabled. */
export interface SignMethod {
  id: string;
  /** Whether the method can be used now (rollout plan, configuration). */
  isAvailable(): Promise<boolean>;
  label: TextKey;
  note: TextKey;
  /** POST target that starts signing request `id` with this method. */
  startPath(id: string): string;
}
