/**
 * Reads and validates the agency's retention rules (config/retention.json, KW_RETENTION_FILE),
 * like the rollout plan: every rule must be there, with its period as a whole number in its
 * range and a description in Swedish and English for the admin page. A bad file stops the
 * start with every problem named (ConfigError). The periods are the agency's to set.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/config.js';
import type { Localised } from '../platform/site.js';

/** The rules, in the order the purge applies them and the admin page lists them. */
export const RULE_IDS = ['drafts', 'closedCases', 'auditEvents', 'unreferencedFiles', 'expiredStoreRows'] as const;
export type RuleId = (typeof RULE_IDS)[number];

export interface RetentionRules {
  /** Drafts nobody has changed for so many months are removed, with their attachments. */
  readonly drafts: { readonly untouchedMonths: number; readonly description: Localised };
  /** Closed cases are removed so many years after closing, with everything that hangs off them. */
  readonly closedCases: { readonly keepYears: number; readonly description: Localised };
  /** Audit events are removed so many years after they were recorded. */
  readonly auditEvents: { readonly keepYears: number; readonly description: Localised };
  /** File contents no attachment refers to are removed so many hours after they were stored. */
  readonly unreferencedFiles: { readonly graceHours: number; readonly description: Localised };
  /** Expired sessions, orders and tickets: removed at expiry by housekeeping (Redis expires its own). */
  readonly expiredStoreRows: { readonly description: Localised };
}

/** The period field of each rule that has one, and its range. */
const PERIODS: Record<Exclude<RuleId, 'expiredStoreRows'>, { field: string; min: number; max: number }> = {
  drafts: { field: 'untouchedMonths', min: 1, max: 120 },
  closedCases: { field: 'keepYears', min: 1, max: 100 },
  auditEvents: { field: 'keepYears', min: 1, max: 100 },
  unreferencedFiles: { field: 'graceHours', min: 1, max: 24 * 30 },
};

export function loadRetentionFile(file: string): RetentionRules {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`retention rules ${file} cannot be read as JSON: ${(err as Error).message}`]);
  }
  return parseRetentionRules(raw, `retention rules ${file}`);
}

export function parseRetentionRules(raw: unknown, source = 'retention rules'): RetentionRules {
  const problems: string[] = [];
  const obj = (v: unknown): Record<string, unknown> | undefined =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  const root = obj(raw);
  if (!root) throw new ConfigError([`${source}: must be a JSON object with the rules ${RULE_IDS.join(', ')}`]);
  for (const key of Object.keys(root)) {
    if (!(RULE_IDS as readonly string[]).includes(key)) problems.push(`"${key}" is not a retention rule (known: ${RULE_IDS.join(', ')})`);
  }
  const text = (o: Record<string, unknown>, key: string, where: string): string => {
    const v = o[key];
    if (typeof v !== 'string' || v.trim() === '') {
      problems.push(`${where}.${key} must be a non-empty string`);
      return '';
    }
    return v.trim();
  };
  const rule = (id: RuleId): { description: Localised; period: number } => {
    const o = obj(root[id]);
    if (!o) {
      problems.push(`${id} is missing (an object with ${id in PERIODS ? `${PERIODS[id as keyof typeof PERIODS].field} and ` : ''}description)`);
      return { description: { sv: '', en: '' }, period: 0 };
    }
    const d = obj(o['description']);
    const description = d ? { sv: text(d, 'sv', `${id}.description`), en: text(d, 'en', `${id}.description`) } : { sv: '', en: '' };
    if (!d) problems.push(`${id}.description must be an object with "sv" and "en"`);
    const allowed = ['description', ...(id in PERIODS ? [PERIODS[id as keyof typeof PERIODS].field] : [])];
    for (const key of Object.keys(o)) if (!allowed.includes(key)) problems.push(`${id}.${key} is not a setting of this rule (allowed: ${allowed.join(', ')})`);
    if (!(id in PERIODS)) return { description, period: 0 };
    const { field, min, max } = PERIODS[id as keyof typeof PERIODS];
    const v = o[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      problems.push(`${id}.${field} must be a whole number from ${min} to ${max} (got ${JSON.stringify(v)})`);
      return { description, period: min };
    }
    return { description, period: v };
  };
  const drafts = rule('drafts');
  const closedCases = rule('closedCases');
  const auditEvents = rule('auditEvents');
  const unreferencedFiles = rule('unreferencedFiles');
  const expiredStoreRows = rule('expiredStoreRows');
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `${source}: ${p}`));
  return {
    drafts: { untouchedMonths: drafts.period, description: drafts.description },
    closedCases: { keepYears: closedCases.period, description: closedCases.description },
    auditEvents: { keepYears: auditEvents.period, description: auditEvents.description },
    unreferencedFiles: { graceHours: unreferencedFiles.period, description: unreferencedFiles.description },
    expiredStoreRows: { description: expiredStoreRows.description },
  };
}

/** The period of a rule, for the admin page and the command's output (undefined: at expiry). */
export function periodOf(rules: RetentionRules, id: RuleId): { count: number; unit: 'months' | 'years' | 'hours' } | undefined {
  switch (id) {
    case 'drafts':
      return { count: rules.drafts.untouchedMonths, unit: 'months' };
    case 'closedCases':
      return { count: rules.closedCases.keepYears, unit: 'years' };
    case 'auditEvents':
      return { count: rules.auditEvents.keepYears, unit: 'years' };
    case 'unreferencedFiles':
      return { count: rules.unreferencedFiles.graceHours, unit: 'hours' };
    case 'expiredStoreRows':
      return undefined;
  }
}

/** The cut-offs at `now`: what was last touched, closed, recorded or stored before them is named. */
export function cutoffs(rules: RetentionRules, now: Date): Record<Exclude<RuleId, 'expiredStoreRows'>, string> {
  const monthsBack = (months: number): string => {
    const d = new Date(now.getTime());
    const day = d.getUTCDate();
    d.setUTCMonth(d.getUTCMonth() - months);
    // 31 March less a month is the last of February, not 3 March: never a later cut-off.
    if (d.getUTCDate() !== day) d.setUTCDate(0);
    return d.toISOString();
  };
  return {
    drafts: monthsBack(rules.drafts.untouchedMonths),
    closedCases: monthsBack(rules.closedCases.keepYears * 12),
    auditEvents: monthsBack(rules.auditEvents.keepYears * 12),
    unreferencedFiles: new Date(now.getTime() - rules.unreferencedFiles.graceHours * 3600_000).toISOString(),
  };
}
