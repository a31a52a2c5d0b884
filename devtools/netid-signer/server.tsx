/**
 * A simulated Net iD signer: plays the card's signing side for demo and tests. It takes a
 * signing job from the portal's bridge address, shows the text and checksum, lets the user
 * pick a demo card in the "reader" and enter the signing code, makes a real CMS signature
 * with that card's signing key and posts it to the bridge — as a real client would. The
 * portal does not know it is simulated. Never loaded in production.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { renderToString } from 'preact-render-to-string';
import type { ComponentChildren } from 'preact';
import { createCmsSignature } from './cms.js';
import type { Clock } from '../../src/platform/clock.js';

export interface SignerCard {
  personnummer: string;
  name: string;
  issuerName: string;
  signingCertPath: string;
  signingKeyPath: string;
  loginCertPath: string;
  loginKeyPath: string;
  /** False for a card whose signing has not been activated (no signing code set). */
  signingActivated: boolean;
}

export interface SignerOptions {
  /** Only bridge addresses under this portal are followed (no fetching arbitrary URLs). */
  portalUrl: string;
  cards: readonly SignerCard[];
  signingCode: string;
  /** The portal's clock (DESIGN §3a): the CMS signingTime the portal checks against its own now. */
  clock: Clock;
  /**
   * The demo card reader (`/netid/card-login`): presents a demo card's login certificate to
   * the card-login listener over real mutual TLS, as a browser with Net iD Client would, and
   * sends the browser on to where the listener redirects. Only this listener is contacted.
   */
  cardReader?: { listenerUrl: string; caPem: string };
}

interface BridgeJob {
  version: number;
  text: string;
  digest: string;
  document: string;
  returnUrl?: string;
}

type Tamper = 'digest' | 'content' | 'none';

export async function buildSigner(options: SignerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(formbody);
  const now = () => options.clock.now();
  const bridgePrefix = `${options.portalUrl.replace(/\/+$/, '')}/sign/bridge/`;

  const allowed = (bridge: unknown): bridge is string =>
    typeof bridge === 'string' && bridge.startsWith(bridgePrefix) && /^[A-Za-z0-9_-]{43}$/.test(bridge.slice(bridgePrefix.length));

  async function fetchJob(bridge: string): Promise<BridgeJob | undefined> {
    const res = await fetch(bridge, { headers: { accept: 'application/json' } });
    return res.ok ? ((await res.json()) as BridgeJob) : undefined;
  }

  async function postToBridge(bridge: string, body: Record<string, string>): Promise<{ status: number; body: unknown }> {
    const res = await fetch(bridge, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as unknown };
  }

  /** Signs the job with a card, or reports why it cannot; returns the portal's answer. */
  async function sign(input: { bridge: string; card: SignerCard; certificate: 'signing' | 'login'; tamper: Tamper }) {
    const job = await fetchJob(input.bridge);
    if (!job) return { status: 404, body: { error: 'job_not_found' } };
    if (input.certificate === 'signing' && !input.card.signingActivated) {
      return postToBridge(input.bridge, { error: 'no_signing_certificate' });
    }
    const document = new Uint8Array(Buffer.from(job.document, 'base64'));
    const certPath = input.certificate === 'signing' ? input.card.signingCertPath : input.card.loginCertPath;
    const keyPath = input.certificate === 'signing' ? input.card.signingKeyPath : input.card.loginKeyPath;
    const signed = input.tamper === 'content' ? new Uint8Array(Buffer.concat([Buffer.from(document), Buffer.from(' ')])) : document;
    const cms = createCmsSignature({
      document: signed,
      certificatePem: readFileSync(certPath, 'utf8'),
      privateKeyPem: readFileSync(keyPath, 'utf8'),
      signingTime: now(),
      ...(input.tamper === 'digest' ? { digestOverride: new Uint8Array(32).fill(7), detached: true } : {}),
    });
    return postToBridge(input.bridge, { cms: Buffer.from(cms).toString('base64') });
  }

  const page = (title: string, body: ComponentChildren) =>
    `<!doctype html>${renderToString(
      <html lang="sv">
        <head>
          <meta charSet="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${title} – Net iD (simulerad)`}</title>
          <style>{'body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f2f4f7;padding:1rem;border:1px solid #767676}label{display:block;font-weight:600;margin-top:1rem}button{font:inherit;padding:.5rem 1rem;margin:1rem .5rem 0 0}'}</style>
        </head>
        <body>
          <main>
            <h1>{title}</h1>
            <p>
              <strong>Simulerad Net iD Client</strong> för demo och test: undertecknar med demokortens riktiga nycklar.
            </p>
            {body}
          </main>
        </body>
      </html>,
    )}`;

  app.get<{ Querystring: { bridge?: string } }>('/netid/sign', async (request, reply) => {
    const bridge = request.query.bridge;
    reply.type('text/html; charset=utf-8');
    if (!allowed(bridge)) return reply.status(400).send(page('Okänd begäran', <p>Begäran kommer inte från Kundwebben.</p>));
    const job = await fetchJob(bridge);
    if (!job) return reply.status(404).send(page('Begäran finns inte', <p>Underskriften är redan gjord eller har gått ut.</p>));
    return reply.send(
      page(
        'Underteckna',
        <form method="post" action="/netid/sign">
          <input type="hidden" name="bridge" value={bridge} />
          <h2>Text att underteckna</h2>
          <pre>{job.text}</pre>
          <p>
            Kontrollsumma (SHA-256): <code>{job.digest.match(/.{1,4}/g)?.join(' ')}</code>
          </p>
          <label for="card">Kort i kortläsaren</label>
          <select id="card" name="card">
            {options.cards.map((c) => (
              <option value={c.personnummer} key={c.personnummer}>{`${c.name} – ${c.issuerName}`}</option>
            ))}
          </select>
          <label for="code">Signeringskod</label>
          <input id="code" name="code" type="password" autoComplete="off" inputMode="numeric" />
          <div>
            <button type="submit" name="action" value="sign">
              Underteckna
            </button>
            <button type="submit" name="action" value="cancel">
              Avbryt
            </button>
          </div>
        </form>,
      ),
    );
  });

  app.post<{ Body: { bridge?: string; card?: string; code?: string; action?: string } }>('/netid/sign', async (request, reply) => {
    reply.type('text/html; charset=utf-8');
    const { bridge, card: pnr, code, action } = request.body;
    if (!allowed(bridge)) return reply.status(400).send(page('Okänd begäran', <p>Begäran kommer inte från Kundwebben.</p>));
    const job = await fetchJob(bridge);
    const back = job?.returnUrl ? <p><a href={job.returnUrl}>Tillbaka till Kundwebben</a></p> : null;
    if (action === 'cancel') {
      await postToBridge(bridge, { error: 'cancelled' });
      return reply.send(page('Avbrutet', <>{<p>Du avbröt underskriften.</p>}{back}</>));
    }
    const card = options.cards.find((c) => c.personnummer === pnr);
    if (!card) return reply.status(400).send(page('Inget kort', <p>Välj ett kort.</p>));
    if (card.signingActivated && code !== options.signingCode) {
      return reply.status(400).send(page('Fel signeringskod', <>{<p role="alert">Fel signeringskod. Gå tillbaka och försök igen.</p>}</>));
    }
    const result = await sign({ bridge, card, certificate: 'signing', tamper: 'none' });
    const ok = result.status === 200;
    return reply.send(
      page(
        ok ? 'Underskriften är skickad' : 'Underskriften godtogs inte',
        <>
          <p role="status">{ok ? 'Kundwebben har tagit emot din underskrift.' : `Kundwebben svarade: ${JSON.stringify(result.body)}`}</p>
          {back}
        </>,
      ),
    );
  });

  const reader = options.cardReader;
  if (reader) {
    const loginPrefix = `${reader.listenerUrl.replace(/\/+$/, '')}/card/login?`;
    const portalPrefix = `${options.portalUrl.replace(/\/+$/, '')}/`;
    // The listener's login, or its self-test mode (issue 17), which takes the same certificate.
    const testPrefix = `${reader.listenerUrl.replace(/\/+$/, '')}/card/test?`;
    const isLoginUrl = (next: unknown): next is string =>
      typeof next === 'string' && (next.startsWith(loginPrefix) || next.startsWith(testPrefix)) && next.length < 512;

    /** One GET with the card's login certificate; the listener answers every outcome with a redirect. */
    const presentCard = (next: string, card: SignerCard): Promise<string | undefined> =>
      new Promise((resolve, reject) => {
        const request = https.get(
          next,
          {
            cert: readFileSync(card.loginCertPath, 'utf8'),
            key: readFileSync(card.loginKeyPath, 'utf8'),
            ca: reader.caPem,
            timeout: 15_000,
          },
          (res) => {
            res.resume();
            const location = res.headers.location;
            resolve(res.statusCode !== undefined && res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string' ? location : undefined);
          },
        );
        request.on('timeout', () => request.destroy(new Error('timeout')));
        request.on('error', reject);
      });

    app.get<{ Querystring: { next?: string } }>('/netid/card-login', async (request, reply) => {
      reply.type('text/html; charset=utf-8');
      const next = request.query.next;
      if (!isLoginUrl(next)) return reply.status(400).send(page('Okänd begäran', <p>Begäran kommer inte från Kundwebbens inloggningssida.</p>));
      return reply.send(
        page(
          'Logga in med ID-kort',
          <form method="post" action="/netid/card-login">
            <input type="hidden" name="next" value={next} />
            <p lang="en">Demo card reader: choose a card, then log in.</p>
            <fieldset>
              <legend>Kort i kortläsaren</legend>
              {options.cards.map((c, i) => (
                <label key={c.personnummer}>
                  <input type="radio" name="card" value={c.personnummer} checked={i === 0} /> {`${c.name} – ${c.issuerName}`}
                </label>
              ))}
            </fieldset>
            <div>
              <button type="submit">Logga in</button>
            </div>
          </form>,
        ),
      );
    });

    app.post<{ Body: { next?: string; card?: string } }>('/netid/card-login', async (request, reply) => {
      reply.type('text/html; charset=utf-8');
      const { next, card: pnr } = request.body;
      if (!isLoginUrl(next)) return reply.status(400).send(page('Okänd begäran', <p>Begäran kommer inte från Kundwebbens inloggningssida.</p>));
      const card = options.cards.find((c) => c.personnummer === pnr);
      if (!card) return reply.status(400).send(page('Inget kort', <p role="alert">Välj ett kort.</p>));
      let location: string | undefined;
      try {
        location = await presentCard(next, card);
      } catch (err) {
        return reply.status(502).send(page('Inloggningsadressen svarar inte', <p role="alert">{`Kortinloggningen kunde inte nås: ${(err as Error).message}`}</p>));
      }
      const target = location === undefined ? undefined : new URL(location, next).toString();
      if (target === undefined || !target.startsWith(portalPrefix)) {
        return reply.status(502).send(page('Oväntat svar', <p role="alert">Kortinloggningen svarade inte med en väg tillbaka till Kundwebben.</p>));
      }
      return reply.redirect(target, 303);
    });
  }

  /** For tests: sign without the form, optionally with the login certificate or tampered. */
  app.post<{ Body: { bridge?: unknown; personnummer?: unknown; certificate?: unknown; tamper?: unknown } }>('/api/sign', async (request, reply) => {
    const { bridge, personnummer, certificate, tamper } = request.body;
    if (!allowed(bridge)) return reply.status(400).send({ error: 'bridge_not_allowed' });
    const card = options.cards.find((c) => c.personnummer === personnummer);
    if (!card) return reply.status(400).send({ error: 'no_such_card' });
    const result = await sign({
      bridge,
      card,
      certificate: certificate === 'login' ? 'login' : 'signing',
      tamper: tamper === 'digest' || tamper === 'content' ? tamper : 'none',
    });
    return reply.send(result);
  });

  return app;
}
