/**
 * The headers @fastify/helmet sets with given options, worked out once at start on two
 * throwaway Fastify instances (with and without the plugin). They depend on the options
 * only, never on the request; the plugin itself builds helmet's middleware anew and parses
 * the CSP again on every request. The portal (`app.tsx`) and the card listener
 * (`card/listener.ts`) set these headers themselves from an `onRequest` hook, so every
 * answer (pages, redirects, 404s, errors, 429s) carries exactly what the plugin would add.
 */
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify from 'fastify';

export async function helmetHeaders(options: FastifyHelmetOptions): Promise<Readonly<Record<string, string>>> {
  const probe = async (withHelmet: boolean) => {
    const app = Fastify({ logger: false });
    if (withHelmet) await app.register(helmet, options);
    app.get('/', async () => '');
    const answer = await app.inject('/');
    await app.close();
    return answer.headers;
  };
  const [plain, secured] = await Promise.all([probe(false), probe(true)]);
  return Object.freeze(
    Object.fromEntries(
      Object.entries(secured)
        .filter(([name, value]) => value !== undefined && !(name in plain))
        .map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]),
    ),
  );
}
