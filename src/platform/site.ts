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
  /**
   * How to get the new Net iD Client, which Kundwebbinfo shows once the Skatteverket card's
   * login has started (the notice promises it will): the agency's own words, and a download
   * address when it has one. Without them the page says to write to the support address.
   */
  readonly netIdClient?: { readonly instructions?: Localised; readonly url?: string };
}
