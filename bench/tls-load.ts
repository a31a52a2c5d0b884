/**
 * A small load generator for full mutual-TLS handshakes: `concurrency` workers, each sending
 * one GET after another, every one on a NEW connection (no agent, so `Connection: close` and
 * no session cache) with a full handshake presenting the client certificate. autocannon
 * cannot do this: it keeps connections alive.
 *
 * One SecureContext (client certificate, key, trusted CA) is built once and shared, so the
 * client does not re-parse PEM per request. OpenSSL resumes a session only when given one
 * (Node does that only through an Agent's session cache or the `session` option), and every
 * answer's socket is checked with isSessionReused() anyway: a resumed session counts as
 * unexpected.
 */
import https from 'node:https';
import { connect, createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';

export interface TlsClient {
  host: string;
  port: number;
  /** Name the server certificate is checked against. */
  servername: string;
  secureContext: SecureContext;
}

export function tlsClient(
  port: number,
  pem: { cert: string | Buffer; key: string | Buffer; ca: string | Buffer },
): TlsClient {
  return {
    host: '127.0.0.1',
    port,
    servername: 'localhost',
    secureContext: createSecureContext({ cert: pem.cert, key: pem.key, ca: pem.ca }),
  };
}

export interface Answer {
  status: number;
  location: string | undefined;
  body: string;
  sessionReused: boolean;
  /** TLS version and cipher, e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384". */
  protocol: string;
}

const REQUEST_TIMEOUT_MS = 10_000;
const MAX_BODY = 4096;

export class RequestTimeout extends Error {}

/**
 * One GET on a fresh connection (full handshake). Rejects on network errors and timeouts.
 * The request has no agent: its connection comes from `createConnection` (tls.connect with
 * the shared SecureContext), so there is no session cache and Node sends `Connection: close`.
 */
export function tlsGet(client: TlsClient, pathAndQuery: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let socket: TLSSocket | undefined;
    const req = https.request(
      {
        host: client.host,
        port: client.port,
        path: pathAndQuery,
        method: 'GET',
        createConnection: () => {
          socket = connect({
            host: client.host,
            port: client.port,
            servername: client.servername,
            secureContext: client.secureContext,
          });
          return socket;
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < MAX_BODY) body += chunk;
        });
        res.on('error', reject);
        res.on('end', () => {
          const cipher = socket?.getCipher();
          resolve({
            status: res.statusCode ?? 0,
            location: res.headers.location,
            body,
            sessionReused: socket?.isSessionReused() ?? false,
            protocol: `${socket?.getProtocol() ?? '?'} ${cipher?.standardName ?? '?'}`,
          });
        });
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new RequestTimeout('timeout')));
    req.on('error', reject);
    req.end();
  });
}

export interface LoadResult {
  /** Requests completed (answered or failed) while the run lasted. */
  total: number;
  /** Wall seconds from the start until the last worker finished. */
  seconds: number;
  /** Latency of each answered request in milliseconds, sorted ascending. */
  latenciesMs: Float64Array;
  /** Answers by outcome name (from `classify`); `expected` is what we mean to measure. */
  outcomes: Map<string, number>;
  expected: number;
  errors: number;
  timeouts: number;
  /** A few error messages, for the report. */
  errorSamples: string[];
}

/**
 * Runs `concurrency` workers for `seconds`: a worker starts no new request after the
 * deadline, and the run ends when the last one is answered. `classify` names the outcome of
 * an answer; the name `expected` marks an answer as what we mean to measure.
 */
export async function runTlsLoad(options: {
  client: TlsClient;
  path: () => string;
  concurrency: number;
  seconds: number;
  classify: (answer: Answer) => string;
}): Promise<LoadResult> {
  const { client, concurrency, classify } = options;
  const latencies: number[] = [];
  const outcomes = new Map<string, number>();
  const errorSamples: string[] = [];
  let errors = 0;
  let timeouts = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(options.seconds * 1e9));

  const worker = async () => {
    while (process.hrtime.bigint() < deadline) {
      const sent = process.hrtime.bigint();
      try {
        const answer = await tlsGet(client, options.path());
        latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
        const outcome = answer.sessionReused ? 'session_reused' : classify(answer);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      } catch (err) {
        errors += 1;
        if (err instanceof RequestTimeout) timeouts += 1;
        const message = (err as Error).message;
        if (errorSamples.length < 5 && !errorSamples.includes(message)) errorSamples.push(message);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const latenciesMs = Float64Array.from(latencies).sort();
  const answered = latencies.length;
  return {
    total: answered + errors,
    seconds,
    latenciesMs,
    outcomes,
    expected: outcomes.get('expected') ?? 0,
    errors,
    timeouts,
    errorSamples,
  };
}

/** The p-th percentile (0..100) of sorted values; 0 when there are none. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? 0;
}
