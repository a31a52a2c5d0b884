/**
 * The demo's rollout plan: the agency's plan (config/rollout-plan.json) with the three
 * methods' dates placed relative to the day the demo data directory is first seeded, so a
 * newcomer can try every method today and the login page, Kundwebbinfo and the timetable tell
 * one coherent story: the Telia card for years, the Skatteverket card since the most recent
 * week 35 and BankID since the 15th of the following September. Written once per data
 * directory (the database seeded from it lives there too) and reused on later starts;
 * production reads only config/rollout-plan.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePlanFile } from '../../src/login/plan-file.js';
import { writeAtomic } from '../test-pki/store.js';

/** The year of the most recent 15 September on or before `today` (the Skatteverket card's week 35 falls before it). */
export function demoRolloutYear(today: Date): number {
  const year = today.getUTCFullYear();
  return today.getTime() >= Date.UTC(year, 8, 15) ? year : year - 1;
}

/** The agency's plan file with demo dates; throws when the production file is not a plan. */
export function demoPlanFrom(production: unknown, today: Date): Record<string, unknown> {
  const plan = { ...(production as Record<string, unknown>) };
  const year = demoRolloutYear(today);
  const dates: Record<string, { enabledFrom: string; announceAs?: string }> = {
    svenska_pass_card: { enabledFrom: `${year}-W35` },
    bankid: { enabledFrom: `${year}-09-15`, announceAs: 'mid_month' },
  };
  const methods = Array.isArray(plan['methods']) ? (plan['methods'] as Record<string, unknown>[]) : [];
  plan['methods'] = methods.map((m) => ({ ...m, ...(dates[String(m['id'])] ?? {}) }));
  plan['$comment'] =
    `Demo plan, generated ${today.toISOString().slice(0, 10)} from the agency's config/rollout-plan.json with the dates moved so every method can be tried today. Not for production.`;
  parsePlanFile(plan, 'demo rollout plan');
  return plan;
}

/** `<dataDir>/rollout-plan.json`, written from `productionFile` when missing. */
export async function ensureDemoPlan(
  dataDir: string,
  productionFile: string,
  today: Date,
): Promise<{ file: string; created: boolean; enabledFrom: Record<string, string> }> {
  const file = path.join(dataDir, 'rollout-plan.json');
  const created = !existsSync(file);
  if (created) {
    const production: unknown = JSON.parse(readFileSync(productionFile, 'utf8'));
    await writeAtomic(file, `${JSON.stringify(demoPlanFrom(production, today), null, 2)}\n`);
  }
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { methods?: { id?: unknown; enabledFrom?: unknown }[] };
  const enabledFrom: Record<string, string> = {};
  for (const m of saved.methods ?? []) enabledFrom[String(m.id)] = String(m.enabledFrom);
  return { file, created, enabledFrom };
}
