/**
 * A card-login testbed: the test PKI with demo cards, its OCSP responder, and the portal
 * with card login configured and its card listener on a real TLS port. Card holders
 * connect with Node's https client presenting their card's certificate.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDemoPki, startOcspResponder, type DemoPki, type OcspResponder } from '../../devtools/test-pki/index.js';
import type { SignerCard } from '../../devtools/netid-signer/server.js';
import { ManualClock } from '../../src/platform/clock.js';
import { startTestApp, TEST_NOW, type TestApp } from './app.js';
import { freePort } from './ports.js';

export { freePort };

export const CARD_PEOPLE = [
  { personnummer: '191212121212', givenName: 'Tolvan', surname: 'Tolvansson', issuer: 'telia' },
  { personnummer: '198112289874', givenName: 'Testa', surname: 'Testsson', issuer: 'svenska_pass' },
  { personnummer: '197505121231', givenName: 'Okänd', surname: 'Kortsson', issuer: 'telia' },
] as const;


export interface CardTestbed {
  t: TestApp;
  demo: DemoPki;
  ocsp: OcspResponder;
  clock: ManualClock;
  dir: string;
  cardUrl: string;
  /** The portal's own URL when started with `listen`. */
  portalUrl: string;
  /** PEM cert and key of a demo card's login or signing certificate. */
  card(personnummer: string, usage?: 'login' | 'signing'): { cert: string; key: string };
  /** GET on the card listener presenting `client` (or no certificate). */
  cardGet(pathAndQuery: string, client?: { cert: string; key: string }, headers?: Record<string, string>): Promise<{ status: number; location: string | undefined }>;
  close(): Promise<void>;
}

export async function startCardTestbed(
  options: { env?: Record<string, string>; pkiDir?: string; listen?: boolean } = {},
): Promise<CardTestbed> {
  const clock = new ManualClock(TEST_NOW);
  const portalPort = options.listen ? await freePort() : 0;
  const listenEnv: Record<string, string> = options.listen
    ? { KW_PORT: String(portalPort), KW_PUBLIC_URL: `http://127.0.0.1:${portalPort}` }
    : {};
  const dir = options.pkiDir ?? mkdtempSync(path.join(tmpdir(), 'kw-card-'));
  const ocspPort = await freePort();
  const demo = await ensureDemoPki(dir, {
    clock,
    ocspBaseUrl: `http://127.0.0.1:${ocspPort}/ocsp`,
    people: CARD_PEOPLE,
    password: 'kundwebben',
  });
  const ocsp = await startOcspResponder(demo.pki, { port: ocspPort, clock });
  const t = await startTestApp({
    clock,
    env: {
      KW_CARD_ISSUERS_FILE: demo.issuersFile,
      KW_CARD_TLS_CERT: demo.tls.certPath,
      KW_CARD_TLS_KEY: demo.tls.keyPath,
      KW_CARD_SIGNER_URL: 'http://127.0.0.1:9/netid/sign',
      KW_OCSP_TIMEOUT_MS: '1500',
      KW_LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
      ...listenEnv,
      ...options.env,
    },
  });
  if (!t.cardListener) throw new Error('card listener not built');
  if (options.listen) await t.app.listen({ host: '127.0.0.1', port: portalPort });
  const host = options.env?.['KW_CARD_MODE'] === 'proxy' ? '127.0.0.1' : '127.0.0.1';
  await t.cardListener.listen({ host, port: 0 });
  const address = t.cardListener.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const cardUrl = `${options.env?.['KW_CARD_MODE'] === 'proxy' ? 'http' : 'https'}://127.0.0.1:${port}`;
  const tlsCa = readFileSync(demo.tls.caPath, 'utf8');

  return {
    t,
    demo,
    ocsp,
    clock,
    dir,
    cardUrl,
    portalUrl: t.config.http.publicUrl,
    card(personnummer, usage = 'login') {
      const files = demo.cards.find((c) => c.personnummer === personnummer);
      if (!files) throw new Error(`no demo card for ${personnummer}`);
      const f = files[usage];
      return { cert: readFileSync(f.certPath, 'utf8'), key: readFileSync(f.keyPath, 'utf8') };
    },
    async cardGet(pathAndQuery, client, headers = {}) {
      if (cardUrl.startsWith('http:')) {
        const res = await fetch(`${cardUrl}${pathAndQuery}`, { headers, redirect: 'manual' });
        return { status: res.status, location: res.headers.get('location') ?? undefined };
      }
      return new Promise((resolve, reject) => {
        const req = httpsRequest(
          {
            host: '127.0.0.1',
            port,
            path: pathAndQuery,
            method: 'GET',
            servername: 'localhost',
            ca: tlsCa,
            headers,
            agent: false,
            ...(client ? { cert: client.cert, key: client.key } : {}),
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    },
    async close() {
      await t.close();
      await ocsp.close();
      if (!options.pkiDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The demo cards as the simulated Net iD signer holds them (`nameOf` gives the name it shows). */
export function signerCards(demo: DemoPki, nameOf: (personnummer: string) => string, activated = true): SignerCard[] {
  return demo.cards.map((c) => ({
    personnummer: c.personnummer,
    name: nameOf(c.personnummer),
    issuerName: c.issuer,
    signingCertPath: c.signing.certPath,
    signingKeyPath: c.signing.keyPath,
    loginCertPath: c.login.certPath,
    loginKeyPath: c.login.keyPath,
    signingActivated: activated,
  }));
}
