/**
 * Demo mode's local stand-ins for the outside world: the test PKI with a card for each
 * demo person (PKCS#12 files to import into a browser, or the simulated Net iD Client's demo
 * card reader), its OCSP responder, the simulated Net iD signer, the BankID test server and
 * app, and the demo rollout plan (every method enabled today). All of it lives in the
 * instance's data directory. Returns the settings that point the portal at them. Never
 * loaded in production.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ensureDemoPki, startOcspResponder, type DemoPki, type OcspResponder } from '../test-pki/index.js';
import { buildSigner } from '../netid-signer/server.js';
import { ensureBankIdTestPki, startBankIdTestServer, type BankIdTestServer } from '../bankid-test-server/index.js';
import { spanOf } from '../test-pki/crypto.js';
import { ensureDemoSeal } from '../test-pki/seal.js';
import { ensureDemoTsa, startTestTsaServer, type TestTsaServer } from '../test-tsa/index.js';
import type { Clock } from '../../src/platform/clock.js';
import { formatPersonalNumber } from '../../src/identity/personnummer.js';
import { ensureDemoPlan } from './plan.js';

export const DEMO_CARD_PASSWORD = 'kundwebben';
export const DEMO_SIGNING_CODE = '123456';

const CARD_HOLDERS = [
  { personnummer: '191212121212', givenName: 'Tolvan', surname: 'Tolvansson', issuer: 'telia', signing: true },
  { personnummer: '198112289874', givenName: 'Testa', surname: 'Testsson', issuer: 'svenska_pass', signing: true },
  { personnummer: '197010632391', givenName: 'Kim', surname: 'Koordinatsson', issuer: 'svenska_pass', signing: false },
  { personnummer: '196408231238', givenName: 'Hedda', surname: 'Handläggare', issuer: 'telia', signing: true },
] as const;

export interface DemoTools {
  env: Record<string, string>;
  banner: string[];
  demo: DemoPki;
  /** The test seal root (PEM): trust it to check a receipt with pdfsig (see README). */
  sealRootFile: string;
  close(): Promise<void>;
}

export async function startDemoTools(options: {
  dataDir: string;
  portalPort: number;
  publicUrl: string;
  /** The portal's clock: the simulated peers answer on it (DESIGN §3a). */
  clock: Clock;
  /** The agency's plan, from which the demo plan is made on first start. */
  productionPlanFile: string;
  /** The SQLite file, when there is one: seeded before the demo plan existed, it keeps its own plan. */
  databaseFile?: string;
}): Promise<DemoTools> {
  const ocspPort = options.portalPort + 2;
  const signerPort = options.portalPort + 3;
  const cardPort = options.portalPort + 1;
  const demo = await ensureDemoPki(path.join(options.dataDir, 'test-pki'), {
    clock: options.clock,
    ocspBaseUrl: `http://127.0.0.1:${ocspPort}/ocsp`,
    people: CARD_HOLDERS.map(({ personnummer, givenName, surname, issuer }) => ({ personnummer, givenName, surname, issuer })),
    password: DEMO_CARD_PASSWORD,
  });
  const ocsp: OcspResponder = await startOcspResponder(demo.pki, { port: ocspPort, clock: options.clock });
  const cardPublicUrl = `https://localhost:${cardPort}`;
  const signer: FastifyInstance = await buildSigner({
    portalUrl: options.publicUrl,
    signingCode: DEMO_SIGNING_CODE,
    clock: options.clock,
    cardReader: { listenerUrl: cardPublicUrl, caPem: await readFile(demo.tls.caPath, 'utf8') },
    cards: demo.cards.map((c) => {
      const holder = CARD_HOLDERS.find((h) => h.personnummer === c.personnummer);
      return {
        personnummer: c.personnummer,
        name: holder ? `${holder.givenName} ${holder.surname}` : c.personnummer,
        issuerName: c.issuer === 'telia' ? 'ID-kort från Telia (test)' : 'ID-kort från Skatteverket (test)',
        signingCertPath: c.signing.certPath,
        signingKeyPath: c.signing.keyPath,
        loginCertPath: c.login.certPath,
        loginKeyPath: c.login.keyPath,
        signingActivated: holder?.signing ?? true,
      };
    }),
  });
  await signer.listen({ host: '127.0.0.1', port: signerPort });

  const bankidPeople = CARD_HOLDERS.map(({ personnummer, givenName, surname }) => ({ personnummer, givenName, surname }));
  const bankidPki = await ensureBankIdTestPki(path.join(options.dataDir, 'bankid-test'), { clock: options.clock, people: bankidPeople });
  const bankid: BankIdTestServer = await startBankIdTestServer({
    pki: bankidPki.pki,
    people: bankidPeople,
    clock: options.clock,
    port: options.portalPort + 4,
    appPort: options.portalPort + 5,
  });

  // The test TSA keeps its root in the data directory, so tokens of earlier runs still verify.
  const demoTsa = await ensureDemoTsa(path.join(options.dataDir, 'test-tsa'), { clock: options.clock });
  const tsa: TestTsaServer = await startTestTsaServer(demoTsa.tsa, { port: options.portalPort + 6 });

  // Dated from the real day the data directory is first seeded; KW_DEMO_NOW then previews it.
  const seededBefore = options.databaseFile !== undefined && existsSync(options.databaseFile);
  const plan = await ensureDemoPlan(options.dataDir, options.productionPlanFile, new Date());
  const oldDatabase = plan.created && seededBefore && options.databaseFile !== undefined;

  // The receipt's test seal, in the agency's name (the plan's site facts); production refuses it.
  const site = (JSON.parse(await readFile(plan.file, 'utf8')) as { site?: { agency?: { sv?: string } } }).site;
  const seal = await ensureDemoSeal(
    path.join(options.dataDir, 'test-seal'),
    { organisation: site?.agency?.sv ?? 'Inspektionen för strategiska produkter', organisationIdentifier: 'NTRSE-2021005018' },
    spanOf(options.clock),
  );

  // What verify-package trusts for this demo's packages (src/archive/trust.ts): its roots.
  const trustFile = path.join(options.dataDir, 'verify-trust.json');
  await writeFile(
    trustFile,
    `${JSON.stringify(
      {
        bankidUserRoots: path.relative(options.dataDir, bankidPki.files.userRootPath),
        cardIssuers: path.relative(options.dataDir, demo.issuersFile),
        tsaRoots: path.relative(options.dataDir, demoTsa.files.rootPath),
        sealRoots: path.relative(options.dataDir, seal.rootFile),
      },
      null,
      2,
    )}\n`,
  );

  const env = {
    KW_SEAL_P12_FILE: seal.p12File,
    KW_SEAL_P12_PASSWORD: seal.password,
    KW_ROLLOUT_PLAN_FILE: plan.file,
    KW_CARD_DEMO_READER_URL: `http://localhost:${signerPort}/netid/card-login`,
    KW_CARD_ISSUERS_FILE: demo.issuersFile,
    KW_CARD_TLS_CERT: demo.tls.certPath,
    KW_CARD_TLS_KEY: demo.tls.keyPath,
    KW_CARD_PORT: String(cardPort),
    KW_CARD_PUBLIC_URL: cardPublicUrl,
    KW_CARD_SIGNER_URL: `http://localhost:${signerPort}/netid/sign`,
    KW_BANKID_URL: bankid.url,
    KW_BANKID_CA_FILE: bankidPki.files.serverCaPath,
    KW_BANKID_RP_CERT_FILE: bankidPki.files.rpCertPath,
    KW_BANKID_RP_KEY_FILE: bankidPki.files.rpKeyPath,
    KW_BANKID_USER_ROOTS_FILE: bankidPki.files.userRootPath,
    KW_BANKID_LAUNCH_URL: `${bankid.appUrl}/autostart`,
    KW_TSA_URL: tsa.url,
    KW_TSA_CA_FILE: demoTsa.files.rootPath,
  };
  const renewed = [
    ...(demo.renewed ? [`  Remade the card test PKI in ${shown(path.join(options.dataDir, 'test-pki'))}: ${demo.renewed.join(', ')} were not valid today.`] : []),
    ...(oldDatabase
      ? [
          `  Note: ${shown(options.databaseFile ?? '')} was seeded by an older version, before this demo plan: its`,
          `  own plan rows stay (BankID and the Skatteverket card may be off). Delete ${shown(options.dataDir)} to start afresh.`,
        ]
      : []),
    ...(demoTsa.renewed ? [`  Made the test TSA in ${shown(path.join(options.dataDir, 'test-tsa'))} (its root: tsa-root.pem).`] : []),
    ...(bankidPki.renewed ? [`  Remade the BankID test PKI in ${shown(path.join(options.dataDir, 'bankid-test'))}: ${bankidPki.renewed.join(', ')} were not valid today.`] : []),
  ];
  const banner = [
    `Demo data directory: ${shown(options.dataDir)} (KW_DATA_DIR; one per port)`,
    `  Rollout plan (demo): ${shown(plan.file)}${plan.created ? ' (made today)' : ''}: Telia card from ${plan.enabledFrom['telia_card']},`,
    `  Skatteverket card from ${plan.enabledFrom['svenska_pass_card']}, BankID from ${plan.enabledFrom['bankid']}. config/rollout-plan.json stays the agency's plan.`,
    ...renewed,
    '',
    'Demo ID cards (test PKI). No card reader needed: on the card page choose "Använd ett demokort"',
    '  (the simulated Net iD Client presents the card over mutual TLS). Or import a login .p12',
    `  into your browser (password "${DEMO_CARD_PASSWORD}"):`,
    ...demo.cards.map((c) => {
      const holder = CARD_HOLDERS.find((h) => h.personnummer === c.personnummer);
      const note = holder?.signing === false ? ' (signing not activated)' : '';
      return `  ${formatPersonalNumber(c.personnummer)} ${c.issuer.padEnd(13)} ${shown(c.login.p12Path)}${note}`;
    }),
    `  The card-login page (https://localhost:${cardPort}) uses a test server certificate: trust`,
    `  ${shown(demo.tls.caPath)} in the browser, or accept its warning once.`,
    `  OCSP responder:        http://127.0.0.1:${ocspPort}/ocsp`,
    `  Net iD signer (sim.):  http://localhost:${signerPort}/netid/sign   signing code ${DEMO_SIGNING_CODE}`,
    '',
    'BankID (local RP API v6 test server over mutual TLS, with a test app):',
    `  RP API:                ${bankid.url} (mutual TLS)`,
    `  Test app (the "phone"): ${bankid.appUrl}/  paste the QR text or follow "Starta BankID-appen"`,
    '',
    `Receipt seal (test): ${shown(seal.p12File)}. To check a receipt, trust the seal root`,
    `  ${shown(seal.rootFile)} in an NSS database (certutil) and run pdfsig -nssdir sql:DIR receipt.pdf`,
    `Time-stamping (RFC 3161 test TSA): ${tsa.url}  root ${shown(demoTsa.files.rootPath)}`,
    `Archival packages (a submitted case's page, "Ladda ner arkivpaket"): check one with`,
    `  npm run verify-package -- FILE.zip --trust ${shown(trustFile)}`,
  ];
  return {
    env,
    banner,
    demo,
    sealRootFile: seal.rootFile,
    async close() {
      await signer.close();
      await ocsp.close();
      await bankid.close();
      await tsa.close();
    },
  };
}

/** A path as the banner shows it: relative when under the working directory, else absolute. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
