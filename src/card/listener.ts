/**
 * The card-login listener: its own port (demo, test) or host (production). In `tls` mode it
 * terminates TLS and asks the browser for a client certificate (the card, through Net iD
 * Client); in `proxy` mode a reverse proxy does that and forwards the certificate in a
 * header, which is believed only from the configured proxy addresses. It renders no pages:
 * every outcome is a redirect back to the portal.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { FastifyHelmetOptions } from '@fastify/helmet';
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';
import { rateLimitKey } from '../platform/http/rate-limit-store.js';
import { helmetHeaders } from '../platform/http/security-headers.js';
import { ipv6Groups } from '../platform/ip.js';
import { derToPem, pemToDerList } from '../platform/pki.js';
import type { CardLogin } from './service.js';
import { isCardState } from './service.js';

/** Whether `address` is one of `allowed` (exact addresses or IPv4/IPv6 CIDR ranges). */
export function addressAllowed(address: string | undefined, allowed: readonly string[]): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  return allowed.some((entry) => {
    const [net, bitsText] = entry.split('/');
    if (!net) return false;
    if (bitsText === undefined) return net === plain || net === address;
    const bits = Number(bitsText);
    const a = ipToBigInt(plain);
    const b = ipToBigInt(net);
    if (!a || !b || a.family !== b.family) return false;
    const width = a.family === 4 ? 32 : 128;
    const shift = BigInt(width - bits);
    return a.value >> shift === b.value >> shift;
  });
}

function ipToBigInt(ip: string): { family: 4 | 6; value: bigint } | undefined {
  if (isIP(ip) === 4) {
    return { family: 4, value: ip.split('.').reduce((acc, part) => (acc << 8n) + BigInt(Number(part)), 0n) };
  }
  const groups = ipv6Groups(ip);
  return groups ? { family: 6, value: groups.reduce((acc, g) => (acc << 16n) + BigInt(g), 0n) } : undefined;
}

/** The certificate forwarded by a proxy: URL-encoded PEM (nginx `$ssl_client_escaped_cert`) or raw base64 DER. */
function forwardedCertificate(value: string): Uint8Array | undefined {
  if (value.length > 32 * 1024) return undefined;
  let text = value.trim();
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return undefined;
    }
  }
  if (text.includes('BEGIN CERTIFICATE')) return pemToDerList(text.replace(/\t/g, '\n'))[0];
  if (/^[A-Za-z0-9+/=\s]+$/.test(text)) return new Uint8Array(Buffer.from(text, 'base64'));
  return undefined;
}

/** The listener's security headers: it renders no pages, so nothing may be loaded or framed. */
export const LISTENER_HELMET_OPTIONS: FastifyHelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  strictTransportSecurity: { maxAge: 31_536_000 },
};

export async function buildCardListener(
  config: Config,
  deps: {
    cardLogin: CardLogin;
    logger: FastifyBaseLogger;
    caPem: string;
    /** Counters shared by all instances (see platform/http/rate-limit-store.ts); default in-process. */
    rateLimitStore?: FastifyRateLimitStoreCtor;
  },
): Promise<FastifyInstance> {
  const card = config.card;
  const https =
    card.mode === 'tls' && card.tlsCertFile && card.tlsKeyFile
      ? {
          key: readFileSync(card.tlsKeyFile),
          cert: readFileSync(card.tlsCertFile),
          // Ask for a certificate, advertising the issuers we accept so the browser offers
          // only matching cards; validation is ours (with specific messages), not OpenSSL's.
          requestCert: true,
          rejectUnauthorized: false,
          ca: deps.caPem,
          minVersion: 'TLSv1.2' as const,
        }
      : null;
  const app: FastifyInstance = https
    ? Fastify({ https, loggerInstance: deps.logger, requestIdHeader: false })
    : Fastify({
        loggerInstance: deps.logger,
        requestIdHeader: false,
        // Behind the proxy the client address comes from its X-Forwarded-For.
        trustProxy: card.mode === 'proxy' ? [...card.proxyAddresses] : false,
      });

  // Helmet's headers on every answer (redirects, 404, errors, 429), set as helmet sets them.
  const securityHeaders = await helmetHeaders(LISTENER_HELMET_OPTIONS);
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of Object.entries(securityHeaders)) reply.raw.setHeader(name, value);
    done();
  });
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimit.loginPerMinute,
    timeWindow: '1 minute',
    keyGenerator: (request) => rateLimitKey(request.ip),
    ...(deps.rateLimitStore ? { store: deps.rateLimitStore } : {}),
  });

  const back = (path: string) => `${config.http.publicUrl}${path}`;

  function certificateOf(request: FastifyRequest): { der: Uint8Array | undefined; untrusted: boolean } {
    if (card.mode === 'proxy') {
      const header = request.headers[card.proxyHeader];
      const value = Array.isArray(header) ? header[0] : header;
      if (!addressAllowed(request.socket.remoteAddress, card.proxyAddresses)) {
        return { der: undefined, untrusted: value !== undefined };
      }
      return { der: value ? forwardedCertificate(value) : undefined, untrusted: false };
    }
    const socket = request.raw.socket;
    const peer = socket instanceof TLSSocket ? socket.getPeerX509Certificate() : undefined;
    return { der: peer ? new Uint8Array(peer.raw) : undefined, untrusted: false };
  }

  app.get<{ Querystring: { state?: string } }>('/card/login', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const state = request.query.state;
    if (!isCardState(state)) return reply.redirect(back('/login/card/failed?code=bad_request'), 303);
    const { der, untrusted } = certificateOf(request);
    if (untrusted) {
      request.log.warn({ from: request.socket.remoteAddress }, 'forwarded client certificate from an address that is not a configured proxy');
      return reply.redirect(back('/login/card/failed?code=untrusted_forwarded_certificate'), 303);
    }
    const result = await deps.cardLogin.authenticate({ der, state, ip: request.ip });
    if (!result.ok) return reply.redirect(back(`/login/card/failed?code=${result.code}`), 303);
    return reply.redirect(back(`/login/card/return?ticket=${result.ticket}`), 303);
  });

  /**
   * The self-test (selftest/): the same certificate, checked as for a login, answered with a
   * test ticket that only the test's result page redeems. Nobody is logged in.
   */
  app.get<{ Querystring: { state?: string } }>('/card/test', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const state = request.query.state;
    if (!isCardState(state)) return reply.redirect(back('/testa-e-legitimation'), 303);
    const { der, untrusted } = certificateOf(request);
    const ticket = await deps.cardLogin.test({ der, state, ip: request.ip, ...(untrusted ? { code: 'untrusted_forwarded_certificate' as const } : {}) });
    return reply.redirect(back(`/testa-e-legitimation/kort/resultat?ticket=${ticket}`), 303);
  });

  app.get('/health/live', async () => ({ status: 'ok' }));
  app.setNotFoundHandler(async (_request, reply) => reply.status(404).type('text/plain; charset=utf-8').send('Not found'));
  app.setErrorHandler(async (error: { statusCode?: number }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'card listener failed');
    return reply.redirect(back(status === 429 ? '/login?m=rate_limited' : '/login/card/failed?code=bad_request'), 303);
  });
  return app;
}

/** PEM of the CA certificates to advertise in the TLS CertificateRequest. */
export function advertisedCaPem(profiles: readonly { anchors: readonly { der: Uint8Array }[]; intermediates: readonly { der: Uint8Array }[] }[]): string {
  return profiles.flatMap((p) => [...p.intermediates, ...p.anchors]).map((c) => derToPem(c.der)).join('');
}
