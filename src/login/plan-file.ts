/**
 * Reads and validates the rollout-plan file (config/rollout-plan.json): the site facts and
 * the seed rows of the login-method plan.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/config.js';
import type { Localised, SiteInfo } from '../platform/site.js';
import { isMethodId, type MethodId } from '../identity/methods.js';
import { ANNOUNCE_AS, parsePlanDate, type AnnounceAs } from './plan-dates.js';
import { localMidnight } from '../platform/dates.js';

export interface PlanSeedRow {
  readonly id: MethodId;
  readonly sortOrder: number;
  readonly enabledFrom: Date;
  readonly enabledUntil: Date | null;
  readonly announceAs: AnnounceAs;
  readonly notice: Localised | null;
}

export interface PlanFile {
  readonly site: SiteInfo;
  readonly methods: readonly PlanSeedRow[];
}

export function loadPlanFile(file: string): PlanFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`rollout plan ${file} cannot be read as JSON: ${(err as Error).message}`]);
  }
  return parsePlanFile(raw, file);
}

export function parsePlanFile(raw: unknown, source = 'rollout plan'): PlanFile {
  const problems: string[] = [];
  const obj = (v: unknown): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const root = obj(raw);
  const siteRaw = obj(root['site']);
  const str = (o: Record<string, unknown>, key: string, where: string): string => {
    const v = o[key];
    if (typeof v !== 'string' || v.trim() === '') {
      problems.push(`${where}.${key} must be a non-empty string`);
      return '';
    }
    return v;
  };
  const localised = (v: unknown, where: string): Localised => {
    const o = obj(v);
    return { sv: str(o, 'sv', where), en: str(o, 'en', where) };
  };
  const timeZone = str(siteRaw, 'timeZone', 'site');
  try {
    new Intl.DateTimeFormat('sv-SE', { timeZone: timeZone || 'UTC' });
  } catch {
    problems.push(`site.timeZone "${timeZone}" is not a known time zone`);
  }
  const email = str(siteRaw, 'supportEmail', 'site');
  if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) problems.push('site.supportEmail is not an e-mail address');
  /** `site.netIdClient` (optional): { "instructions": { "sv", "en" }, "url": "https://…" }. */
  const netIdClientOf = (raw: unknown): Pick<SiteInfo, 'netIdClient'> => {
    if (raw === undefined) return {};
    const o = obj(raw);
    const url = o['url'];
    if (url !== undefined && (typeof url !== 'string' || !/^https:\/\/[^\s]+$/.test(url))) problems.push('site.netIdClient.url must be an https address');
    return {
      netIdClient: {
        ...(o['instructions'] !== undefined ? { instructions: localised(o['instructions'], 'site.netIdClient.instructions') } : {}),
        ...(typeof url === 'string' && url.startsWith('https://') ? { url } : {}),
      },
    };
  };
  const site: SiteInfo = {
    agency: localised(siteRaw['agency'], 'site.agency'),
    agencyShort: str(siteRaw, 'agencyShort', 'site'),
    supportEmail: email,
    timeZone,
    skatteverketIdCardUrl: str(siteRaw, 'skatteverketIdCardUrl', 'site'),
    accessibilityReviewed: str(siteRaw, 'accessibilityReviewed', 'site'),
    ...netIdClientOf(siteRaw['netIdClient']),
  };

  const methodsRaw = Array.isArray(root['methods']) ? (root['methods'] as unknown[]) : [];
  if (!Array.isArray(root['methods'])) problems.push('methods must be a list');
  const seen = new Set<string>();
  const methods: PlanSeedRow[] = [];
  methodsRaw.forEach((m, index) => {
    const where = `methods[${index}]`;
    const row = obj(m);
    const id = row['id'];
    if (!isMethodId(id)) {
      problems.push(`${where}.id must be one of telia_card, svenska_pass_card, bankid`);
      return;
    }
    if (seen.has(id)) problems.push(`${where}.id ${id} appears twice`);
    seen.add(id);
    const from = typeof row['enabledFrom'] === 'string' ? parsePlanDate(row['enabledFrom']) : undefined;
    if (!from) {
      problems.push(`${where}.enabledFrom must be YYYY-MM-DD or YYYY-Www`);
      return;
    }
    let until: Date | null = null;
    if (row['enabledUntil'] !== undefined && row['enabledUntil'] !== null) {
      const parsed = typeof row['enabledUntil'] === 'string' ? parsePlanDate(row['enabledUntil']) : undefined;
      if (!parsed) problems.push(`${where}.enabledUntil must be YYYY-MM-DD or YYYY-Www`);
      else until = localMidnight(parsed.date, timeZone || 'UTC');
    }
    const announce = row['announceAs'] ?? from.announceAs;
    if (!ANNOUNCE_AS.includes(announce as AnnounceAs)) {
      problems.push(`${where}.announceAs must be one of ${ANNOUNCE_AS.join(', ')}`);
    }
    const enabledFrom = localMidnight(from.date, timeZone || 'UTC');
    if (until && until <= enabledFrom) problems.push(`${where}.enabledUntil must be after enabledFrom`);
    methods.push({
      id,
      sortOrder: index,
      enabledFrom,
      enabledUntil: until,
      announceAs: announce as AnnounceAs,
      notice: row['notice'] === undefined || row['notice'] === null ? null : localised(row['notice'], `${where}.notice`),
    });
  });
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `${source}: ${p}`));
  return { site, methods };
}
