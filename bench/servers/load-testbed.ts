/**
 * The test services of the load case (bench/load.ts), in one child process so their CPU is
 * measured apart from the portals': the card test PKI (devtools/test-pki) with a Telia test
 * card for every card holder of the load people and its OCSP responder, the BankID RP API v6
 * test server with a BankID for every BankID holder (and its test app, which the simulated
 * people use as their phone), and one simulated Net iD signer per portal URL (the signer
 * follows bridge addresses of one portal only).
 *
 * Environment: BENCH_LOAD_DIR (a temp directory the parent creates and removes),
 * BENCH_LOAD_PEOPLE (the JSON file of bench/load-people.ts), BENCH_LOAD_PORTALS (the portal
 * URLs, comma-separated; the parent reserves their ports before the portals start).
 * Issuing a few hundred cards and BankIDs is RSA key generation: about 0.1–0.3 s per key,
 * several keys at once (WebCrypto uses libuv's thread pool).
 */
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ensureBankIdTestPki, startBankIdTestServer } from '../../devtools/bankid-test-server/index.js';
import { buildSigner, type SignerCard } from '../../devtools/netid-signer/server.js';
import { spanOf } from '../../devtools/test-pki/crypto.js';
import { ensureDemoPki, startOcspResponder } from '../../devtools/test-pki/index.js';
import { ensureDemoSeal } from '../../devtools/test-pki/seal.js';
import { systemClock } from '../../src/platform/clock.js';
import { freePort } from '../../test/support/ports.js';
import { LOAD_SIGNING_CODE, type LoadPeople } from '../load-people.js';
import { announce, stopOnSignal } from './protocol.js';

const dir = process.env['BENCH_LOAD_DIR'] ?? '';
const peopleFile = process.env['BENCH_LOAD_PEOPLE'] ?? '';
const portals = (process.env['BENCH_LOAD_PORTALS'] ?? '').split(',').filter(Boolean);
if (dir === '' || peopleFile === '' || portals.length === 0) {
  throw new Error('load testbed: BENCH_LOAD_DIR, BENCH_LOAD_PEOPLE and BENCH_LOAD_PORTALS must be set');
}
const { people } = JSON.parse(readFileSync(peopleFile, 'utf8')) as LoadPeople;
const cardHolders = people.filter((p) => p.method === 'card');
const bankIdHolders = people.filter((p) => p.method === 'bankid');

/** Runs `tasks` with at most `limit` at once. */
async function inParallel(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      if (task) await task();
    }
  };
  await Promise.all(Array.from({ length: limit }, () => worker()));
}

// The card PKI: the demo PKI (issuers, OCSP URL, listener TLS) with Tolvan's card, then a card
// for every card holder, written as PEM (no PKCS#12: nobody imports them into a browser).
const ocspPort = await freePort();
const demo = await ensureDemoPki(path.join(dir, 'card'), {
  clock: systemClock,
  ocspBaseUrl: `http://127.0.0.1:${ocspPort}/ocsp`,
  people: [{ personnummer: '191212121212', givenName: 'Tolvan', surname: 'Tolvansson', issuer: 'telia' }],
  password: 'kundwebben',
});
const cardsDir = path.join(dir, 'cards');
await mkdir(cardsDir, { recursive: true });
const cardFile = (personnummer: string, usage: 'login' | 'signing', kind: 'cert' | 'key') =>
  path.join(cardsDir, `${personnummer}-${usage}${kind === 'key' ? '.key' : ''}.pem`);

const bankIdDemo = await ensureBankIdTestPki(path.join(dir, 'bankid'), { clock: systemClock, people: [] });

await inParallel(
  [
    ...cardHolders.map((person) => async () => {
      const card = await demo.pki.issueCard({ ...person, issuer: 'telia' });
      await writeFile(cardFile(person.personnummer, 'login', 'cert'), card.auth.certPem);
      await writeFile(cardFile(person.personnummer, 'login', 'key'), card.auth.keyPem, { mode: 0o600 });
      await writeFile(cardFile(person.personnummer, 'signing', 'cert'), card.sign.certPem);
      await writeFile(cardFile(person.personnummer, 'signing', 'key'), card.sign.keyPem, { mode: 0o600 });
    }),
    ...bankIdHolders.map((person) => async () => {
      await bankIdDemo.pki.ensureUser(person);
    }),
  ],
  4,
);

// The receipt's test seal: production seals every receipt (without a TSA here: the seal is B-B).
const seal = await ensureDemoSeal(
  path.join(dir, 'seal'),
  { organisation: 'Inspektionen för strategiska produkter', organisationIdentifier: 'NTRSE-2021005018' },
  spanOf(systemClock),
);

const ocspResponder = await startOcspResponder(demo.pki, { port: ocspPort, clock: systemClock });
const bankIdServer = await startBankIdTestServer({ pki: bankIdDemo.pki, people: [], clock: systemClock });

const signerCards: SignerCard[] = cardHolders.map((p) => ({
  personnummer: p.personnummer,
  name: `${p.givenName} ${p.surname}`,
  issuerName: 'Telia (test)',
  signingCertPath: cardFile(p.personnummer, 'signing', 'cert'),
  signingKeyPath: cardFile(p.personnummer, 'signing', 'key'),
  loginCertPath: cardFile(p.personnummer, 'login', 'cert'),
  loginKeyPath: cardFile(p.personnummer, 'login', 'key'),
  signingActivated: true,
}));
const signers: FastifyInstance[] = [];
const signerUrls: string[] = [];
for (const portalUrl of portals) {
  const signer = await buildSigner({ portalUrl, cards: signerCards, signingCode: LOAD_SIGNING_CODE, clock: systemClock });
  signerUrls.push(await signer.listen({ host: '127.0.0.1', port: 0 }));
  signers.push(signer);
}

stopOnSignal(async () => {
  for (const signer of signers) await signer.close();
  await bankIdServer.close();
  await ocspResponder.close();
  // Also when the parent died without cleaning up: remove our own temp directory.
  if (path.basename(dir).startsWith('kundwebben-bench-')) rmSync(dir, { recursive: true, force: true });
});
announce({
  port: ocspPort,
  testbed: {
    card: {
      issuersFile: demo.issuersFile,
      tlsCertPath: demo.tls.certPath,
      tlsKeyPath: demo.tls.keyPath,
      tlsCaPath: demo.tls.caPath,
    },
    cardsDir,
    bankid: {
      url: bankIdServer.url,
      appUrl: bankIdServer.appUrl,
      serverCaPath: bankIdDemo.files.serverCaPath,
      rpCertPath: bankIdDemo.files.rpCertPath,
      rpKeyPath: bankIdDemo.files.rpKeyPath,
      userRootPath: bankIdDemo.files.userRootPath,
    },
    signerUrls,
    seal: { p12File: seal.p12File, password: seal.password },
  },
});
