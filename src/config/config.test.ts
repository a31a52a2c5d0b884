import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { BLOCKED_PORTS, ConfigError, DEMO_SESSION_SECRET, loadConfig } from './config.js';

const PROD_OK = {
  KW_MODE: 'production',
  KW_SESSION_SECRET: 'x'.repeat(40),
  KW_PUBLIC_URL: 'https://kundwebben.example.se',
  KW_SEAL_P12_FILE: '/etc/kundwebben/seal.p12',
  KW_SEAL_P12_PASSWORD: 'a-seal-password',
  KW_TSA_URL: 'https://tsa.example.se/tsa',
  KW_TSA_CA_FILE: '/etc/kundwebben/tsa-roots.pem',
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
  it('refuses ports that browsers and fetch refuse, the portal\'s and the demo tools\' alike', () => {
    expect(BLOCKED_PORTS.has(6000) && BLOCKED_PORTS.has(10080) && BLOCKED_PORTS.has(6679)).toBe(true);
    expect(problems({ KW_MODE: 'demo', KW_PORT: '6000' })).toContain(
      'KW_PORT 6000 is a port that browsers and fetch refuse (a "bad port" in the Fetch standard): pick another',
    );
    // 5998 + 2 = 6000: the demo's OCSP responder would land there.
    expect(problems({ KW_MODE: 'demo', KW_PORT: '5998' })).toContain(
      'KW_PORT 5998 would put the demo\'s OCSP responder on port 6000, which browsers and fetch refuse (a "bad port" in the Fetch standard): pick another KW_PORT',
    );
    expect(problems({ KW_MODE: 'test', KW_PORT: '3000', KW_CARD_PORT: '6665' })[0]).toMatch(/^KW_CARD_PORT 6665 is a port/);
    expect(problems({ KW_MODE: 'demo', KW_PORT: '65532' })[0]).toMatch(/leaves no room/);
    expect(problems({ KW_MODE: 'demo', KW_PORT: '3000' })).toEqual([]);
  });

  it('keeps each demo instance in its own data directory, unless KW_DATA_DIR says otherwise', () => {
    const a = loadConfig({ KW_PORT: '3000' }, 'demo');
    const b = loadConfig({ KW_PORT: '3200' }, 'demo');
    expect(a.dataDir).toBe(path.resolve('data/demo-3000'));
    expect(b.dataDir).toBe(path.resolve('data/demo-3200'));
    expect(b.database).toEqual({ kind: 'sqlite', file: path.resolve('data/demo-3200/kundwebben.sqlite') });
    const own = loadConfig({ KW_PORT: '3200', KW_DATA_DIR: '/tmp/kw-elsewhere' }, 'demo');
    expect(own.database).toEqual({ kind: 'sqlite', file: '/tmp/kw-elsewhere/kundwebben.sqlite' });
    expect(loadConfig(PROD_OK).dataDir).toBe(path.resolve('data'));
  });

  it('refuses the demo card reader in production and accepts it in demo', () => {
    expect(problems({ ...PROD_OK, KW_CARD_DEMO_READER_URL: 'http://localhost:3003/netid/card-login' })).toContain(
      'KW_CARD_DEMO_READER_URL (the demo card reader) is refused in production',
    );
    expect(loadConfig({ KW_CARD_DEMO_READER_URL: 'http://localhost:3003/netid/card-login' }, 'demo').card.demoReaderUrl).toBe(
      'http://localhost:3003/netid/card-login',
    );
    expect(problems({ KW_MODE: 'demo', KW_CARD_DEMO_READER_URL: 'javascript:alert(1)' })).toContain('KW_CARD_DEMO_READER_URL must be an http(s) URL');
  });

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

  it('requires a time-stamping authority in production and refuses the local test TSA; demo and test may go without', () => {
    const withoutTsa: Record<string, string> = { ...PROD_OK };
    delete withoutTsa['KW_TSA_URL'];
    delete withoutTsa['KW_TSA_CA_FILE'];
    expect(problems(withoutTsa)).toContain('KW_TSA_URL (the time-stamping authority for signature evidence) is required in production');
    expect(problems({ ...PROD_OK, KW_TSA_URL: 'http://127.0.0.1:3006/tsa', KW_TSA_CA_FILE: '/data/test-tsa/tsa-root.pem' })).toEqual([
      'KW_TSA_URL points at a local test TSA, which is refused in production',
      'KW_TSA_CA_FILE is the test TSA root, which is refused in production',
    ]);
    const noCa: Record<string, string> = { ...PROD_OK };
    delete noCa['KW_TSA_CA_FILE'];
    expect(problems(noCa)).toContain('KW_TSA_CA_FILE (the roots of the TSA certificate) is required with KW_TSA_URL');
    expect(loadConfig(PROD_OK).tsa).toEqual({ url: 'https://tsa.example.se/tsa', caFile: '/etc/kundwebben/tsa-roots.pem', timeoutMs: 5000, retrySeconds: 60 });
    expect(loadConfig({ KW_MODE: 'demo' }).tsa).toBeUndefined();
    expect(loadConfig({ KW_MODE: 'test', KW_TSA_URL: 'http://127.0.0.1:3006/tsa', KW_TSA_CA_FILE: 'x.pem', KW_TSA_TIMEOUT_MS: '800' }).tsa).toMatchObject({ url: 'http://127.0.0.1:3006/tsa', timeoutMs: 800 });
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

  it('requires the receipt seal in production, refuses the test seal there, and keeps file and password together', () => {
    const withoutSeal: Record<string, string> = { ...PROD_OK };
    delete withoutSeal['KW_SEAL_P12_FILE'];
    delete withoutSeal['KW_SEAL_P12_PASSWORD'];
    expect(problems(withoutSeal)).toContain('KW_SEAL_P12_FILE and KW_SEAL_P12_PASSWORD (the receipt seal) are required in production');
    expect(problems({ ...PROD_OK, KW_SEAL_P12_FILE: 'data/demo-3000/test-seal/seal.p12' })).toContain(
      'KW_SEAL_P12_FILE points at the test seal, which is refused in production',
    );
    expect(problems({ KW_MODE: 'demo', KW_SEAL_P12_FILE: 'seal.p12' })).toContain('KW_SEAL_P12_FILE and KW_SEAL_P12_PASSWORD go together');
    expect(loadConfig(PROD_OK).seal).toEqual({ p12File: '/etc/kundwebben/seal.p12', p12Password: 'a-seal-password' });
    expect(loadConfig({ KW_MODE: 'demo' }).seal).toBeUndefined();
  });

  it('reports every malformed value at once', () => {
    const found = problems({ KW_MODE: 'staging', KW_PORT: 'eighty', KW_SESSION_IDLE_SECONDS: '5', KW_LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    expect(found.length).toBeGreaterThanOrEqual(5);
  });

  it('runs demo mode with SQLite under ./data/demo-<port> and demo data', () => {
    const config = loadConfig({}, 'demo');
    expect(config.database).toEqual({ kind: 'sqlite', file: expect.stringMatching(/data\/demo-3000\/kundwebben\.sqlite$/) as string });
    expect(config.demo.seedData).toBe(true);
    expect(config.session.secureCookie).toBe(false);
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }, 'demo').database).toMatchObject({ kind: 'postgres' });
  });
});
