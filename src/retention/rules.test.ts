/** The retention rules file: the shipped one is valid; a bad one is refused at start with every problem named. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config.js';
import { startTestApp } from '../../test/support/app.js';
import { cutoffs, loadRetentionFile, parseRetentionRules } from './rules.js';

const shipped = JSON.parse(readFileSync('config/retention.json', 'utf8')) as Record<string, Record<string, unknown>>;

describe('retention rules', () => {
  it('the shipped rules: drafts 6 months, closed cases 10 years, audit events 2 years, orphaned files after 1 hour', () => {
    const rules = loadRetentionFile('config/retention.json');
    expect(rules.drafts.untouchedMonths).toBe(6);
    expect(rules.closedCases.keepYears).toBe(10);
    expect(rules.auditEvents.keepYears).toBe(2);
    expect(rules.unreferencedFiles.graceHours).toBe(1);
    expect(rules.expiredStoreRows.description.sv).toMatch(/går ut/);
  });

  it('names every problem of a bad file', () => {
    const bad = {
      ...shipped,
      drafts: { untouchedMonths: 0, description: shipped['drafts']?.['description'] },
      closedCases: { keepYears: 2.5, description: { sv: 'Tio år', en: '' } },
      auditEvents: undefined,
      unreferencedFiles: { graceHours: 1, days: 3, description: shipped['unreferencedFiles']?.['description'] },
      forever: {},
    };
    let error: unknown;
    try {
      parseRetentionRules(bad, 'retention rules test.json');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('"forever" is not a retention rule');
    expect(problems).toContain('drafts.untouchedMonths must be a whole number from 1 to 120 (got 0)');
    expect(problems).toContain('closedCases.keepYears must be a whole number from 1 to 100 (got 2.5)');
    expect(problems).toContain('closedCases.description.en must be a non-empty string');
    expect(problems).toContain('auditEvents is missing');
    expect(problems).toContain('unreferencedFiles.days is not a setting of this rule');
    expect(() => parseRetentionRules([], 'x')).toThrow(/must be a JSON object/);
    expect(() => loadRetentionFile('/nonexistent/retention.json')).toThrow(/cannot be read as JSON/);
  });

  it('a bad KW_RETENTION_FILE stops the start with a clear error', async () => {
    await expect(startTestApp({ env: { KW_RETENTION_FILE: 'config/case-types.json' } })).rejects.toThrow(/retention rules .*case-types\.json/);
  });

  it('cut-offs count back whole months, never to a later day', () => {
    const rules = loadRetentionFile('config/retention.json');
    const c = cutoffs(rules, new Date('2027-08-31T10:00:00Z'));
    expect(c.drafts).toBe('2027-02-28T10:00:00.000Z');
    expect(c.closedCases).toBe('2017-08-31T10:00:00.000Z');
    expect(c.auditEvents).toBe('2025-08-31T10:00:00.000Z');
    expect(c.unreferencedFiles).toBe('2027-08-31T09:00:00.000Z');
  });
});
