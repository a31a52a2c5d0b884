/** The site facts every page shows (from the rollout-plan file's `site`, read by login/plan-file.ts). */
import type { Lang } from './i18n/index.js';

export type Localised = Readonly<Record<Lang, string>>;

export interface SiteInfo {
  readonly agency: Localised;
  readonly agencyShort: string;
  readonly supportEmail: string;
  readonly timeZone: string;
  readonly skatteverketIdCardUrl: string;
  readonly accessibilityReviewed: string;
}
