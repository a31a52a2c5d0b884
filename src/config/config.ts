/**
 * The one reader of the environment. `loadConfig` validates every setting once, at start,
 * and returns a frozen object that factories receive explicitly (no module singletons).
 *
 * Settings come from environment variables, optionally preceded by a JSON file named by
 * `KW_CONFIG_FILE` (same keys as the variables; the environment wins).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isCrashPoint, type CrashPoint } from './crash-points.js';
import { isMailAddress } from './mail-address.js';

export type Mode = 'demo' | 'test' | 'production';

export interface Config {
  readonly mode: Mode;
  readonly http: {
    readonly host: string;
    readonly port: number;
    /** Absolute URL under which users reach the portal, without trailing slash. */
    readonly publicUrl: string;
    /** Proxy addresses whose X-Forwarded-For is believed (exact IPs or CIDR ranges). */
    readonly trustProxy: readonly string[];
    readonly bodyLimitBytes: number;
  };
  /**
   * Where this instance keeps generated files (KW_DATA_DIR): the SQLite file by default and, in
   * demo mode, the test PKIs and the demo plan. Demo default `data/demo-<port>`, so two demos on
   * different ports never share (and re-issue) each other's material.
   */
  readonly dataDir: string;
  readonly database:
    | { readonly kind: 'sqlite'; readonly file: string }
    | { readonly kind: 'postgres'; readonly url: string; readonly schema: string | undefined };
  /** Redis for the TTL store (sessions, orders, tickets) when several instances run. */
  readonly redisUrl: string | undefined;
  /** Prefix of every key the portal writes to Redis (several environments may share one). */
  readonly redisKeyPrefix: string;
  /** Graceful shutdown on SIGTERM/SIGINT. */
  readonly shutdown: {
    /**
     * Seconds between the signal and closing the listeners, while /health/ready already
     * answers 503, so a load balancer stops sending new requests before connections close.
     */
    readonly drainSeconds: number;
    /** Seconds in-flight requests get to finish before the process exits anyway. */
    readonly graceSeconds: number;
  };
  readonly session: {
    /** Pepper for the hashed session keys kept in the store. */
    readonly secret: string;
    /** Secure cookies with the `__Host-` prefix; required in production (HTTPS). */
    readonly secureCookie: boolean;
    readonly idleSeconds: number;
    readonly absoluteSeconds: number;
    /** How long before idle expiry the page warns and offers "stay logged in". */
    readonly warningSeconds: number;
    /**
     * The in-process cache of session records and of the account facts a logged-in request
     * re-reads (src/platform/cache.ts): seconds an entry is trusted at most (0: no cache), and
     * how many entries each cache holds at most. Every change empties it on every instance.
     */
    readonly cacheSeconds: number;
    readonly cacheEntries: number;
  };
  readonly rateLimit: {
    /** Requests per minute per client address on login endpoints. */
    readonly loginPerMinute: number;
    /**
     * Sessions without a login (made for the CSRF token of a login form) per minute per
     * client address (IPv6: per /64). With the idle lifetime this bounds their number.
     */
    readonly anonymousSessionsPerMinute: number;
  };
  readonly rolloutPlanFile: string;
  /** Cases: the case-type definitions and the limits of attachments. */
  readonly cases: {
    readonly typesFile: string;
    readonly maxAttachmentBytes: number;
    readonly maxAttachments: number;
    /** Drafts one organisation may hold at a time (submitted cases do not count). */
    readonly maxDraftsPerOrganisation: number;
    /** Bytes of attachments all drafts of one organisation may hold together. */
    readonly maxDraftBytesPerOrganisation: number;
  };
  /**
   * The agency's electronic seal on receipts (KW_SEAL_P12_FILE, KW_SEAL_P12_PASSWORD: a
   * PKCS#12 with the seal certificate and key). Required in production; without it a demo
   * or test stores receipts unsealed. The password is a secret: never logged.
   */
  readonly seal: { readonly p12File: string; readonly p12Password: string } | undefined;
  /** Seconds between housekeeping runs: expired TTL-store rows and unreferenced file contents are removed. */
  readonly housekeepingSeconds: number;
  /** Retention rules and the purge (src/retention/). */
  readonly retention: {
    /** JSON file of the agency's retention rules (KW_RETENTION_FILE). */
    readonly file: string;
    /** Run the purge daily inside the portal (KW_PURGE_AUTOMATIC, default off: cron runs `npm run purge`). */
    readonly automatic: boolean;
    /** Seconds a purge holds its lease without renewing it; a killed purge blocks the next for at most this long. */
    readonly leaseSeconds: number;
    /** Cases (or audit events) removed per transaction. */
    readonly batchSize: number;
  };
  /** Bearer token for /metrics; without it /metrics answers only loopback callers. */
  readonly metricsToken: string | undefined;
  /** Card login: the listener that asks for the card's certificate, and the issuers. */
  readonly card: {
    /** JSON file of issuer profiles (trust anchors, policies, OCSP); undefined: no card login. */
    readonly issuersFile: string | undefined;
    /**
     * `tls`: the listener terminates TLS itself and requests the client certificate.
     * `proxy`: a reverse proxy terminates TLS and forwards the certificate in a header,
     * believed only from `proxyAddresses`.
     */
    readonly mode: 'tls' | 'proxy';
    readonly host: string;
    readonly port: number;
    /** Where browsers reach the listener, e.g. https://kort.kundwebben.example.se */
    readonly publicUrl: string;
    readonly tlsCertFile: string | undefined;
    readonly tlsKeyFile: string | undefined;
    readonly proxyAddresses: readonly string[];
    readonly proxyHeader: string;
    readonly ocspTimeoutMs: number;
    /**
     * Logins only: how long an OCSP answer without nextUpdate may be reused (default 0, not
     * at all: RFC 6960 §2.4). Answers with nextUpdate are reused until then. Signatures always
     * ask the responder.
     */
    readonly ocspCacheWithoutNextUpdateSeconds: number;
    /** Lifetime of the one-time ticket that carries a card login back to the portal. */
    readonly ticketSeconds: number;
    /** Warn when the card certificate expires within this many days. */
    readonly expiryWarningDays: number;
    /** No expiry warning for someone who used another method within this many days. */
    readonly expiryOtherMethodDays: number;
    /**
     * Where the user's card-signing client (Net iD) takes a signing job: the sign page links
     * there with `?bridge=<portal URL of the job>`. How the real client is reached is not
     * public (eid-cards.md, open question 3), so it is configuration; unset, card signing
     * is not offered.
     */
    readonly signerUrl: string | undefined;
    /**
     * Demo and test only (KW_CARD_DEMO_READER_URL; production refuses it): the simulated
     * Net iD Client's "use a demo card" page, linked from the card page so a newcomer can log
     * in with a demo card without importing a certificate into the browser. It presents the
     * card's certificate to the listener over real mutual TLS.
     */
    readonly demoReaderUrl: string | undefined;
  };
  /** BankID RP API v6.0; undefined when BankID is not configured. */
  readonly bankid:
    | {
        readonly url: string;
        /** PEM of BankID's server TLS root: the only root trusted for the RP API. */
        readonly caFile: string;
        readonly rpCertFile: string | undefined;
        readonly rpKeyFile: string | undefined;
        readonly rpPfxFile: string | undefined;
        readonly rpPassphrase: string | undefined;
        /** PEM of the roots of BankID user certificates (signature verification). */
        readonly userRootsFile: string;
        readonly timeoutMs: number;
        /** Where the same-device launch link points instead of the BankID app (test app). */
        readonly launchUrl: string | undefined;
      }
    | undefined;
  /**
   * RFC 3161 time-stamping authority for signature evidence (KW_TSA_URL, KW_TSA_CA_FILE);
   * required in production, optional in demo and test (no timestamps without it).
   */
  readonly tsa:
    | {
        readonly url: string;
        /** PEM of the TSA roots a token must chain to. */
        readonly caFile: string;
        readonly timeoutMs: number;
        /** First retry after this many seconds; doubled per attempt, at most 6 hours. */
        readonly retrySeconds: number;
      }
    | undefined;
  /**
   * Outgoing e-mail (reminders to people at risk of losing their login). Without `smtp`,
   * demo and test mode put mail in the in-memory demo outbox; production sends none.
   */
  readonly mail: {
    readonly smtp:
      | {
          readonly host: string;
          readonly port: number;
          /** smtps://: TLS from the first byte (implicit TLS, usually port 465). */
          readonly secure: boolean;
          /** smtp://: refuse to send unless the server upgrades the connection with STARTTLS. */
          readonly requireTls: boolean;
          readonly user: string | undefined;
          readonly password: string | undefined;
        }
      | undefined;
    readonly from: { readonly name: string | undefined; readonly address: string };
    /** Mail goes to the in-memory demo outbox (/admin/outbox): never in production. */
    readonly outbox: boolean;
    /** Send rate limit, so a long list does not trip the mail server's flood protection. */
    readonly maxPerSecond: number;
  };
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly demo: {
    /** Seed demo organisations and people (fictional, test personnummer) at start. */
    readonly seedData: boolean;
    /**
     * Demo only: run the clock as if it were this moment (it keeps ticking), to try the
     * rollout plan's later stages — e.g. BankID — before their dates.
     */
    readonly now: Date | undefined;
  };
  /**
   * Test hook (KW_CRASH_AT, test and demo mode only): the step at which the process kills
   * itself with SIGKILL, for the crash-safety test. See src/platform/crash.ts.
   */
  readonly crashAt: CrashPoint | undefined;
}

/**
 * Thrown when settings are missing or unsafe; `problems` lists every one of them. A plain
 * startup error, not the portal's error base (platform/errors.ts, a floor above this one):
 * it stops the process before any request is served (main.ts prints it), so it has no HTTP
 * status and no text for a web user.
 */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** The demo secret is public (it is in this file); production refuses it. */
export const DEMO_SESSION_SECRET = 'demo-only-session-secret-not-for-production-use';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Ports that browsers and `fetch` refuse to connect to (the Fetch standard's "bad port" list,
 * https://fetch.spec.whatwg.org/#port-blocking): a portal there cannot be reached.
 */
export const BLOCKED_PORTS: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111,
  113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548,
  554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566,
  6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** The demo's tools after the portal (port) and card listener (port + 1), in port order. */
const DEMO_TOOL_PORTS = ['OCSP responder', 'Net iD signer', 'BankID test server', 'BankID test app', 'test TSA'] as const;

function refuseBlockedPort(what: string, port: number, problems: string[]): void {
  if (BLOCKED_PORTS.has(port)) {
    problems.push(`${what} ${port} is a port that browsers and fetch refuse (a "bad port" in the Fetch standard): pick another`);
  }
}

/** Reads and validates the configuration. `modeOverride` comes from the CLI (`demo`, `serve`). */
export function loadConfig(env: Env = process.env, modeOverride?: Mode): Readonly<Config> {
  const fileEnv = readConfigFile(env['KW_CONFIG_FILE']);
  const get = (key: string): string | undefined => {
    const value = env[key] ?? fileEnv[key];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const problems: string[] = [];

  const modeRaw = modeOverride ?? get('KW_MODE') ?? 'production';
  if (modeRaw !== 'demo' && modeRaw !== 'test' && modeRaw !== 'production') {
    problems.push(`KW_MODE must be demo, test or production (got "${modeRaw}")`);
  }
  const mode: Mode = modeRaw === 'demo' || modeRaw === 'test' ? modeRaw : 'production';
  const production = mode === 'production';

  const int = (key: string, fallback: number, min: number, max: number): number => {
    const raw = get(key);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${key} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const raw = get(key);
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
    problems.push(`${key} must be true or false (got "${raw}")`);
    return fallback;
  };

  const host = get('KW_HOST') ?? (production ? '0.0.0.0' : '127.0.0.1');
  const port = int('KW_PORT', production ? 8080 : 3000, 0, 65535);
  refuseBlockedPort('KW_PORT', port, problems);
  if (mode === 'demo' && port !== 0) {
    // The demo's local tools listen next to the portal (devtools/demo/tools.ts).
    DEMO_TOOL_PORTS.forEach((tool, i) => {
      const toolPort = port + 2 + i;
      if (toolPort > 65535) problems.push(`KW_PORT ${port} leaves no room for the demo's ${tool} on port ${toolPort}: pick a port below 65529`);
      else if (BLOCKED_PORTS.has(toolPort)) problems.push(`KW_PORT ${port} would put the demo's ${tool} on port ${toolPort}, which browsers and fetch refuse (a "bad port" in the Fetch standard): pick another KW_PORT`);
    });
  }
  const dataDir = path.resolve(get('KW_DATA_DIR') ?? (mode === 'demo' ? path.join('data', `demo-${port}`) : 'data'));
  const publicUrlRaw = get('KW_PUBLIC_URL') ?? `http://localhost:${port}`;
  let publicUrl = publicUrlRaw.replace(/\/+$/, '');
  try {
    const url = new URL(publicUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    if (production && url.protocol !== 'https:') problems.push('KW_PUBLIC_URL must use https in production');
  } catch {
    problems.push(`KW_PUBLIC_URL is not an absolute http(s) URL (got "${publicUrlRaw}")`);
    publicUrl = 'http://localhost';
  }
  const trustProxy = (get('KW_TRUST_PROXY') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of trustProxy) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(entry)) {
      problems.push(`KW_TRUST_PROXY entries must be IP addresses or CIDR ranges (got "${entry}")`);
    }
  }

  const databaseUrl = get('DATABASE_URL');
  let database: Config['database'];
  if (databaseUrl !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
      problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
    }
    database = { kind: 'postgres', url: databaseUrl, schema: get('KW_DATABASE_SCHEMA') };
  } else {
    const file = get('KW_SQLITE_FILE') ?? path.join(dataDir, 'kundwebben.sqlite');
    database = { kind: 'sqlite', file: file === ':memory:' ? file : path.resolve(file) };
  }

  const redisUrl = get('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) problems.push('REDIS_URL must be a redis:// or rediss:// URL');
  const redisKeyPrefix = get('KW_REDIS_KEY_PREFIX') ?? 'kw:';
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(redisKeyPrefix)) problems.push('KW_REDIS_KEY_PREFIX must be 1-64 letters, digits or _.:-');

  let secret = get('KW_SESSION_SECRET');
  const secretGiven = secret !== undefined;
  if (secret === undefined) {
    if (production) problems.push('KW_SESSION_SECRET is required in production (at least 32 characters)');
    secret = DEMO_SESSION_SECRET;
  } else if (secret.length < 32) {
    problems.push('KW_SESSION_SECRET must be at least 32 characters');
  }
  if (production && secretGiven && secret === DEMO_SESSION_SECRET) {
    problems.push('KW_SESSION_SECRET must not be the public demo secret in production');
  }
  const secureCookie = bool('KW_SECURE_COOKIES', production || publicUrl.startsWith('https:'));
  if (production && !secureCookie) problems.push('KW_SECURE_COOKIES cannot be turned off in production');

  const idleSeconds = int('KW_SESSION_IDLE_SECONDS', 20 * 60, 60, 24 * 3600);
  const absoluteSeconds = int('KW_SESSION_ABSOLUTE_SECONDS', 10 * 3600, 300, 7 * 24 * 3600);
  const warningSeconds = int('KW_SESSION_WARNING_SECONDS', 120, 10, 3600);
  if (warningSeconds >= idleSeconds) problems.push('KW_SESSION_WARNING_SECONDS must be less than the idle time');

  const seedData = bool('KW_DEMO_SEED', mode === 'demo');
  const demoNowRaw = get('KW_DEMO_NOW');
  let demoNow: Date | undefined;
  if (demoNowRaw !== undefined) {
    demoNow = new Date(demoNowRaw);
    if (Number.isNaN(demoNow.getTime())) problems.push(`KW_DEMO_NOW must be an ISO date or date-time (got "${demoNowRaw}")`);
    if (mode !== 'demo') problems.push('KW_DEMO_NOW is allowed only in demo mode');
  }
  if (production && seedData) problems.push('KW_DEMO_SEED (demo people and organisations) is refused in production');

  const cardIssuersRaw = get('KW_CARD_ISSUERS_FILE');
  const cardModeRaw = get('KW_CARD_MODE') ?? 'tls';
  if (cardModeRaw !== 'tls' && cardModeRaw !== 'proxy') problems.push('KW_CARD_MODE must be tls or proxy');
  const cardMode = cardModeRaw === 'proxy' ? 'proxy' : 'tls';
  const cardPort = int('KW_CARD_PORT', production ? 8443 : port === 0 ? 0 : port + 1, 0, 65535);
  refuseBlockedPort(get('KW_CARD_PORT') === undefined ? 'the card-login port (KW_PORT + 1)' : 'KW_CARD_PORT', cardPort, problems);
  const cardDemoReaderUrl = get('KW_CARD_DEMO_READER_URL');
  if (cardDemoReaderUrl !== undefined) {
    if (production) problems.push('KW_CARD_DEMO_READER_URL (the demo card reader) is refused in production');
    else if (!/^https?:\/\/[^/]+/.test(cardDemoReaderUrl)) problems.push('KW_CARD_DEMO_READER_URL must be an http(s) URL');
  }
  const cardPublicUrl = (get('KW_CARD_PUBLIC_URL') ?? `https://localhost:${cardPort}`).replace(/\/+$/, '');
  if (!/^https:\/\//.test(cardPublicUrl)) problems.push('KW_CARD_PUBLIC_URL must be an https URL (browsers send client certificates only over TLS)');
  const cardTlsCert = get('KW_CARD_TLS_CERT');
  const cardTlsKey = get('KW_CARD_TLS_KEY');
  const cardProxyAddresses = (get('KW_CARD_PROXY_ADDRESSES') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (cardIssuersRaw !== undefined && cardMode === 'tls' && (cardTlsCert === undefined || cardTlsKey === undefined)) {
    problems.push('card login in tls mode needs KW_CARD_TLS_CERT and KW_CARD_TLS_KEY (PEM files)');
  }
  if (cardIssuersRaw !== undefined && cardMode === 'proxy' && cardProxyAddresses.length === 0) {
    problems.push('card login in proxy mode needs KW_CARD_PROXY_ADDRESSES (the proxies allowed to forward certificates)');
  }
  if (production && cardIssuersRaw !== undefined && /test-pki/.test(cardIssuersRaw)) {
    problems.push('KW_CARD_ISSUERS_FILE points at the test PKI, which is refused in production');
  }

  const bankidUrl = get('KW_BANKID_URL');
  let bankid: Config['bankid'];
  if (bankidUrl !== undefined) {
    const caFile = get('KW_BANKID_CA_FILE');
    const userRootsFile = get('KW_BANKID_USER_ROOTS_FILE');
    const rpCertFile = get('KW_BANKID_RP_CERT_FILE');
    const rpKeyFile = get('KW_BANKID_RP_KEY_FILE');
    const rpPfxFile = get('KW_BANKID_RP_PFX_FILE');
    if (!/^https:\/\//.test(bankidUrl)) problems.push('KW_BANKID_URL must be an https URL');
    if (caFile === undefined) problems.push('KW_BANKID_CA_FILE (the BankID server root to pin) is required with KW_BANKID_URL');
    if (userRootsFile === undefined) problems.push('KW_BANKID_USER_ROOTS_FILE (roots of BankID user certificates) is required with KW_BANKID_URL');
    if (rpPfxFile === undefined && (rpCertFile === undefined || rpKeyFile === undefined)) {
      problems.push('BankID needs the RP certificate: KW_BANKID_RP_PFX_FILE, or KW_BANKID_RP_CERT_FILE and KW_BANKID_RP_KEY_FILE');
    }
    const launchUrl = get('KW_BANKID_LAUNCH_URL');
    if (production) {
      if (/^https:\/\/(localhost|127\.|\[::1\])/.test(bankidUrl)) problems.push('KW_BANKID_URL points at a local BankID test server, which is refused in production');
      if (launchUrl !== undefined) problems.push('KW_BANKID_LAUNCH_URL (the BankID test app) is refused in production');
      if (/bankid-test/.test([caFile, userRootsFile, rpCertFile, rpPfxFile].join(' '))) problems.push('BankID test certificates are refused in production');
    }
    bankid = {
      url: bankidUrl.replace(/\/+$/, ''),
      caFile: path.resolve(caFile ?? ''),
      rpCertFile: rpCertFile === undefined ? undefined : path.resolve(rpCertFile),
      rpKeyFile: rpKeyFile === undefined ? undefined : path.resolve(rpKeyFile),
      rpPfxFile: rpPfxFile === undefined ? undefined : path.resolve(rpPfxFile),
      rpPassphrase: get('KW_BANKID_RP_PASSPHRASE'),
      userRootsFile: path.resolve(userRootsFile ?? ''),
      timeoutMs: int('KW_BANKID_TIMEOUT_MS', 5000, 200, 60_000),
      launchUrl,
    };
  }

  const mail = mailConfig(get, bool, int, production, problems);
  const tsa = tsaConfig(get, int, production, problems);

  const sealFile = get('KW_SEAL_P12_FILE');
  const sealPassword = get('KW_SEAL_P12_PASSWORD');
  if (production && (sealFile === undefined || sealPassword === undefined))
    problems.push('KW_SEAL_P12_FILE and KW_SEAL_P12_PASSWORD (the receipt seal) are required in production');
  else if ((sealFile === undefined) !== (sealPassword === undefined))
    problems.push('KW_SEAL_P12_FILE and KW_SEAL_P12_PASSWORD go together');
  if (production && sealFile !== undefined && /devtools|test-pki|test-seal/.test(sealFile))
    problems.push('KW_SEAL_P12_FILE points at the test seal, which is refused in production');
  const seal = sealFile !== undefined && sealPassword !== undefined ? { p12File: path.resolve(sealFile), p12Password: sealPassword } : undefined;

  const crashAtRaw = get('KW_CRASH_AT');
  let crashAt: CrashPoint | undefined;
  if (crashAtRaw !== undefined) {
    if (production) problems.push('KW_CRASH_AT (a test hook that kills the process) is refused in production');
    else if (isCrashPoint(crashAtRaw)) crashAt = crashAtRaw;
    else problems.push(`KW_CRASH_AT must name a crash point of src/platform/crash.ts (got "${crashAtRaw}")`);
  }

  const logLevelRaw = get('KW_LOG_LEVEL') ?? (mode === 'test' ? 'silent' : 'info');
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
  const logLevel = levels.find((l) => l === logLevelRaw);
  if (logLevel === undefined) problems.push(`KW_LOG_LEVEL must be one of ${levels.join(', ')}`);

  const config: Config = {
    mode,
    dataDir,
    http: {
      host,
      port,
      publicUrl,
      trustProxy,
      bodyLimitBytes: int('KW_BODY_LIMIT_BYTES', 256 * 1024, 1024, 64 * 1024 * 1024),
    },
    database,
    redisUrl,
    redisKeyPrefix,
    shutdown: {
      drainSeconds: int('KW_SHUTDOWN_DRAIN_SECONDS', production ? 5 : 0, 0, 300),
      graceSeconds: int('KW_SHUTDOWN_GRACE_SECONDS', 30, 1, 600),
    },
    session: {
      secret,
      secureCookie,
      idleSeconds,
      absoluteSeconds,
      warningSeconds,
      cacheSeconds: int('KW_SESSION_CACHE_SECONDS', 5, 0, 60),
      cacheEntries: int('KW_SESSION_CACHE_ENTRIES', 10_000, 1, 1_000_000),
    },
    rateLimit: {
      loginPerMinute: int('KW_LOGIN_RATE_LIMIT_PER_MINUTE', 30, 1, 100_000),
      anonymousSessionsPerMinute: int('KW_ANONYMOUS_SESSIONS_PER_MINUTE', 120, 1, 100_000),
    },
    rolloutPlanFile: path.resolve(get('KW_ROLLOUT_PLAN_FILE') ?? 'config/rollout-plan.json'),
    cases: {
      typesFile: path.resolve(get('KW_CASE_TYPES_FILE') ?? 'config/case-types.json'),
      maxAttachmentBytes: int('KW_MAX_ATTACHMENT_BYTES', 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
      maxAttachments: int('KW_MAX_ATTACHMENTS', 20, 1, 200),
      maxDraftsPerOrganisation: int('KW_MAX_DRAFTS_PER_ORGANISATION', 200, 1, 100_000),
      maxDraftBytesPerOrganisation: int('KW_MAX_DRAFT_BYTES_PER_ORGANISATION', 2 * 1024 * 1024 * 1024, 1024 * 1024, Number.MAX_SAFE_INTEGER),
    },
    seal,
    housekeepingSeconds: int('KW_HOUSEKEEPING_SECONDS', 300, 10, 24 * 3600),
    retention: {
      file: path.resolve(get('KW_RETENTION_FILE') ?? 'config/retention.json'),
      automatic: bool('KW_PURGE_AUTOMATIC', false),
      leaseSeconds: int('KW_PURGE_LEASE_SECONDS', 300, 1, 24 * 3600),
      batchSize: int('KW_PURGE_BATCH_SIZE', 50, 1, 10_000),
    },
    metricsToken: get('KW_METRICS_TOKEN'),
    card: {
      issuersFile: cardIssuersRaw === undefined ? undefined : path.resolve(cardIssuersRaw),
      mode: cardMode,
      host: get('KW_CARD_HOST') ?? host,
      port: cardPort,
      publicUrl: cardPublicUrl,
      tlsCertFile: cardTlsCert === undefined ? undefined : path.resolve(cardTlsCert),
      tlsKeyFile: cardTlsKey === undefined ? undefined : path.resolve(cardTlsKey),
      proxyAddresses: cardProxyAddresses,
      proxyHeader: (get('KW_CARD_PROXY_HEADER') ?? 'x-client-cert').toLowerCase(),
      ocspTimeoutMs: int('KW_OCSP_TIMEOUT_MS', 5000, 100, 60_000),
      ocspCacheWithoutNextUpdateSeconds: int('KW_OCSP_CACHE_WITHOUT_NEXT_UPDATE_SECONDS', 0, 0, 3600),
      ticketSeconds: int('KW_CARD_TICKET_SECONDS', 60, 5, 600),
      expiryWarningDays: int('KW_CARD_EXPIRY_WARNING_DAYS', 60, 0, 3650),
      expiryOtherMethodDays: int('KW_CARD_EXPIRY_OTHER_METHOD_DAYS', 90, 0, 3650),
      signerUrl: get('KW_CARD_SIGNER_URL'),
      demoReaderUrl: production ? undefined : cardDemoReaderUrl,
    },
    bankid,
    tsa,
    mail,
    logLevel: logLevel ?? 'info',
    demo: { seedData, now: demoNow },
    crashAt,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config);
}

/**
 * KW_SMTP_URL (smtp://[user:password@]host[:port] or smtps://…), KW_SMTP_REQUIRE_TLS,
 * KW_MAIL_FROM ("Name <address>" or an address), KW_MAIL_MAX_PER_SECOND. Problems never
 * repeat the URL: it may hold the password.
 */
function mailConfig(
  get: (key: string) => string | undefined,
  bool: (key: string, fallback: boolean) => boolean,
  int: (key: string, fallback: number, min: number, max: number) => number,
  production: boolean,
  problems: string[],
): Config['mail'] {
  const smtpRaw = get('KW_SMTP_URL');
  let smtp: Config['mail']['smtp'];
  if (smtpRaw !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(smtpRaw);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
      problems.push('KW_SMTP_URL must be an smtp:// or smtps:// URL with a host');
    } else if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
      problems.push('KW_SMTP_URL takes only [user:password@]host[:port]: no path or query options');
    } else {
      const secure = url.protocol === 'smtps:';
      // STARTTLS is required by default: without it a network attacker can strip the
      // upgrade and read every reminder (and the SMTP password) in clear text.
      const requireTls = secure ? false : bool('KW_SMTP_REQUIRE_TLS', true);
      if (production && !secure && !requireTls) {
        problems.push('KW_SMTP_REQUIRE_TLS cannot be turned off in production: use smtps:// or an smtp:// server with STARTTLS');
      }
      const decode = (part: string): string | undefined => {
        if (part === '') return undefined;
        try {
          return decodeURIComponent(part);
        } catch {
          problems.push('KW_SMTP_URL has a malformed %-escape in the user or password');
          return undefined;
        }
      };
      smtp = {
        host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
        secure,
        requireTls,
        user: decode(url.username),
        password: decode(url.password),
      };
    }
  }
  const fromRaw = get('KW_MAIL_FROM');
  let from: Config['mail']['from'] = { name: 'Kundwebben', address: 'noreply@kundwebben.invalid' };
  if (fromRaw !== undefined) {
    const parsed = parseMailbox(fromRaw);
    if (parsed) from = parsed;
    else problems.push(`KW_MAIL_FROM must be an e-mail address or "Name <address>" (got "${fromRaw}")`);
  } else if (smtpRaw !== undefined) {
    problems.push('KW_MAIL_FROM (the sender address) is required with KW_SMTP_URL');
  }
  return { smtp, from, outbox: !production && smtpRaw === undefined, maxPerSecond: int('KW_MAIL_MAX_PER_SECOND', 10, 1, 100) };
}

/** "Name <a@b.se>" or "a@b.se"; no line breaks, quotes or lists (no header injection). */
function parseMailbox(text: string): { name: string | undefined; address: string } | undefined {
  const match = /^(?:([^<>"\r\n,;]{1,100}?)\s*<([^<>\s]+)>|([^<>\s]+))$/.exec(text);
  const address = match?.[2] ?? match?.[3];
  if (address === undefined || !isMailAddress(address)) return undefined;
  const name = match?.[1]?.trim();
  return { name: name === '' ? undefined : name, address };
}

function readConfigFile(file: string | undefined): Record<string, string> {
  if (file === undefined || file.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`KW_CONFIG_FILE ${file} cannot be read as JSON: ${(err as Error).message}`]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError([`KW_CONFIG_FILE ${file} must hold a JSON object of settings`]);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out[key] = String(value);
    }
  }
  return out;
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** A config for tests: test mode, in-memory-ish SQLite file given by the caller, quiet logs. */
export function testConfig(overrides: Env = {}): Readonly<Config> {
  return loadConfig({ KW_MODE: 'test', KW_SQLITE_FILE: ':memory:', ...overrides }, 'test');
}

/**
 * KW_TSA_URL (http or https), KW_TSA_CA_FILE (PEM, required with the URL), KW_TSA_TIMEOUT_MS,
 * KW_TSA_RETRY_SECONDS. Production requires a TSA and refuses the local test TSA.
 */
function tsaConfig(
  get: (name: string) => string | undefined,
  int: (name: string, fallback: number, min: number, max: number) => number,
  production: boolean,
  problems: string[],
): Config['tsa'] {
  const url = get('KW_TSA_URL');
  const caFile = get('KW_TSA_CA_FILE');
  if (url === undefined) {
    if (production) problems.push('KW_TSA_URL (the time-stamping authority for signature evidence) is required in production');
    if (caFile !== undefined) problems.push('KW_TSA_CA_FILE is set without KW_TSA_URL');
    return undefined;
  }
  if (!/^https?:\/\/[^\s]+$/.test(url)) problems.push('KW_TSA_URL must be an http or https URL');
  if (caFile === undefined) problems.push('KW_TSA_CA_FILE (the roots of the TSA certificate) is required with KW_TSA_URL');
  if (production) {
    if (/^https?:\/\/(localhost|127\.|\[::1\])/i.test(url)) problems.push('KW_TSA_URL points at a local test TSA, which is refused in production');
    if (caFile !== undefined && /test-tsa/.test(caFile)) problems.push('KW_TSA_CA_FILE is the test TSA root, which is refused in production');
  }
  return {
    url,
    caFile: path.resolve(caFile ?? ''),
    timeoutMs: int('KW_TSA_TIMEOUT_MS', 5000, 200, 60_000),
    retrySeconds: int('KW_TSA_RETRY_SECONDS', 60, 1, 24 * 3600),
  };
}
