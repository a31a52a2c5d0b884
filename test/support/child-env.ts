/**
 * The environment for a child process a test starts: PATH, what the test passes, and the
 * libfaketime settings when the suite runs under `faketime` (CI's second run), so the child
 * reads the same clock as the test that dated its certificates and OCSP answers.
 */
export function childEnv(env: Record<string, string> = {}): Record<string, string> {
  const inherited: Record<string, string> = { PATH: process.env['PATH'] ?? '' };
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && isFaketimeKey(key)) inherited[key] = value;
  }
  return { ...inherited, ...env };
}

/**
 * The environment for a server the tests start that is not ours (redis-server): without
 * libfaketime, which such servers do not survive (jemalloc's clock calls recurse into it).
 * Like the PostgreSQL and Redis the machine runs, they keep real time; the portal gives them
 * durations, never its own instants.
 */
export function realTimeEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !isFaketimeKey(key)));
}

function isFaketimeKey(key: string): boolean {
  return key === 'LD_PRELOAD' || key.startsWith('FAKETIME') || key === 'DONT_FAKE_MONOTONIC';
}
