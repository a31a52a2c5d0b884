/**
 * "Testa din e-legitimation" (issue 17): a self-test of a card or BankID before the day a
 * person needs it. It works without login and without an account, logs nobody in, changes
 * no account, and keeps nothing but an audit event (method, outcome, time; never the
 * personal number). Registered by the composition; each way to test is its own module.
 */
import type { FastifyInstance } from 'fastify';
import { pageContext, sendHtml } from '../web/render.js';
import { bankIdTestRoutes, type BankIdTestDeps } from './bankid-routes.js';
import { cardTestLink, cardTestRoutes, type CardTestDeps } from './card-routes.js';
import { signTestRoutes, SIGN_TEST_PATH, type SignTestDeps } from './sign-routes.js';
import { outcomesOf, SELFTEST_PATH, type SelftestDeps } from './route-context.js';
import { SelftestPage } from './views/selftest-page.js';

export async function selftestRoutes(
  app: FastifyInstance,
  deps: SelftestDeps & { bankid?: BankIdTestDeps['bankid'] | undefined; cardLogin?: CardTestDeps['cardLogin'] | undefined; signTest?: SignTestDeps['signTest'] | undefined },
): Promise<void> {
  const { config, clock, plan, bankid, cardLogin, signTest } = deps;
  const rateLimit = { max: config.rateLimit.loginPerMinute, timeWindow: '1 minute' };

  app.get<{ Querystring: { m?: string } }>(SELFTEST_PATH, { config: { rateLimit } }, async (request, reply) => {
    // The BankID forms need a session and a CSRF token; the card link needs the session's state.
    const ctx = await pageContext(deps, request, reply, { forms: true });
    const cardHref = cardLogin ? await cardTestLink({ ...deps, cardLogin }, request) : undefined;
    return sendHtml(
      reply,
      <SelftestPage
        ctx={ctx}
        message={request.query.m === 'cancelled' ? ctx.t['selftest.cancelled'] : undefined}
        cardHref={cardHref}
        demoReaderUrl={config.card.demoReaderUrl}
        signAction={signTest ? SIGN_TEST_PATH : undefined}
        bankid={bankid !== undefined}
        outcomes={outcomesOf(request)}
        methods={await plan.methods()}
        now={clock.now()}
      />,
    );
  });

  if (bankid) bankIdTestRoutes(app, { ...deps, bankid });
  if (cardLogin) cardTestRoutes(app, { ...deps, cardLogin });
  if (signTest) signTestRoutes(app, { ...deps, signTest });
}
