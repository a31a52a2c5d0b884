import { describe, expect, it } from 'vitest';
import { ConfigError, DEMO_SESSION_SECRET, loadConfig } from './config.js';

const PROD_OK = {
  KW_MODE: 'production',
  KW_SESSION_SECRET: 'x'.repeat(40),
  KW_PUBLIC_URL: 'https://kundwebben.example.se',
};

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('defaults to production and then refuses to start without a session secret', () => {
    expect(problems({})).toContain('KW_SESSION_SECRET is required in production (at least 32 characters)');
  });

  it('accepts a complete production configuration and freezes it', () => {
    const config = loadConfig(PROD_OK);
    expect(config.mode).toBe('production');
    expect(config.session.secureCookie).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.session)).toBe(true);
  });

  it('refuses demo components, the public demo secret, plain http and insecure cookies in production', () => {
    const found = problems({
      ...PROD_OK,
      KW_DEMO_SEED: 'true',
      KW_SESSION_SECRET: DEMO_SESSION_SECRET,
      KW_PUBLIC_URL: 'http://kundwebben.example.se',
      KW_SECURE_COOKIES: 'false',
    });
    expect(found).toEqual(
      expect.arrayContaining([
        'KW_DEMO_SEED (demo people and organisations) is refused in production',
        'KW_SESSION_SECRET must not be the public demo secret in production',
        'KW_PUBLIC_URL must use https in production',
        'KW_SECURE_COOKIES cannot be turned off in production',
      ]),
    );
  });

  it('refuses the crash-point test hook in production and accepts only known points elsewhere', () => {
    expect(problems({ ...PROD_OK, KW_CRASH_AT: 'sign:after-commit' })).toContain(
      'KW_CRASH_AT (a test hook that kills the process) is refused in production',
    );
    expect(problems({ KW_MODE: 'test', KW_CRASH_AT: 'somewhere' })).toEqual([
      'KW_CRASH_AT must name a crash point of src/platform/crash.ts (got "somewhere")',
    ]);
    expect(loadConfig({ KW_MODE: 'test', KW_CRASH_AT: 'sign:after-commit' }).crashAt).toBe('sign:after-commit');
    expect(loadConfig(PROD_OK).crashAt).toBeUndefined();
  });

  it('reports every malformed value at once', () => {
    const found = problems({ KW_MODE: 'staging', KW_PORT: 'eighty', KW_SESSION_IDLE_SECONDS: '5', KW_LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    expect(found.length).toBeGreaterThanOrEqual(5);
  });

  it('runs demo mode with SQLite under ./data and demo data', () => {
    const config = loadConfig({}, 'demo');
    expect(config.database).toEqual({ kind: 'sqlite', file: expect.stringMatching(/data\/kundwebben\.sqlite$/) as string });
    expect(config.demo.seedData).toBe(true);
    expect(config.session.secureCookie).toBe(false);
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }, 'demo').database).toMatchObject({ kind: 'postgres' });
  });
});
