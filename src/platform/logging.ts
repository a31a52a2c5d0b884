/**
 * Logging. Personal identity numbers, organisation numbers in personal contexts, tokens,
 * cookies, CSRF values and bearer tokens in paths never reach the log unredacted: known fields are removed by
 * pino's redact paths and every string is scrubbed of anything shaped like a personnummer.
 */
import pino, { type Logger, type LoggerOptions } from 'pino';
import type { Config } from '../config/config.js';

/** Replaces 10/12-digit personnummer-like sequences (with or without separator) in text. */
export function scrubPersonalNumbers(text: string): string {
  return text.replace(/(?<![0-9])(?:[0-9]{2})?[0-9]{6}[-+ ]?[0-9]{4}(?![0-9])/g, '[pnr]');
}

const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'req.headers["x-client-cert"]',
  'res.headers["set-cookie"]',
  'personnummer',
  '*.personnummer',
  'token',
  '*.token',
  'csrf',
  '*.csrf',
  'sessionId',
  '*.sessionId',
  'secret',
  '*.secret',
];

/**
 * Bearer tokens that travel in a path: the card-signing bridge (`/sign/bridge/<token>`, what
 * Net iD presents instead of a session) anywhere in a text, and in a request path every
 * segment that is a long random token (32+ URL-safe characters; UUIDs, which are record ids
 * and need a session, stay readable).
 */
export function scrubTokens(text: string): string {
  return text.replace(/(\/sign\/bridge\/)[A-Za-z0-9_-]+/g, '$1[token]');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function scrubPath(urlPath: string): string {
  return urlPath
    .split('/')
    .map((segment) => (segment.length >= 32 && /^[A-Za-z0-9_-]+$/.test(segment) && !UUID.test(segment) ? '[token]' : segment))
    .join('/');
}

function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubTokens(scrubPersonalNumbers(value));
  if (depth > 6 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  // Only plain objects are copied; requests, errors and the like go to their serializers.
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v, depth + 1);
  return out;
}

export function loggerOptions(config: Pick<Config, 'logLevel'>): LoggerOptions {
  return {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: { log: (obj) => scrubDeep(obj) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) => scrubDeep(a)) as Parameters<typeof method>;
        method.apply(this, scrubbed);
      },
    },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
        method: req.method,
        // Query strings may carry user input; keep only the path.
        url: scrubPath(scrubPersonalNumbers(req.url.split('?')[0] ?? '')),
        id: req.id,
      }),
      err: (err: Error) => scrubDeep({ ...pino.stdSerializers.err(err) }) as ReturnType<typeof pino.stdSerializers.err>,
    },
  };
}

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(config), destination) : pino(loggerOptions(config));
}
