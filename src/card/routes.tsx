/**
 * The portal's side of card login: the page that prepares the user and sends them to the
 * card-login listener with a fresh `state`, the return that redeems the ticket, and the
 * page explaining a refusal.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import type { SessionManager } from '../identity/sessions.js';
import { isMethodId, type MethodId } from '../identity/methods.js';
import type { RolloutPlan } from '../login/plan.js';
import { completeLogin } from '../login/routes.js';
import type { LoginService } from '../login/service.js';
import { setSessionCookie } from '../web/context.js';
import { AppError } from '../web/errors.js';
import { Layout } from '../web/layout.js';
import { pageContext, sendHtml, type ViewDeps } from '../web/render.js';
import { CARD_FAILURE_CODES, isCardState, newCardState, type CardFailureCode, type CardLogin } from './service.js';

interface CardFlow {
  state: string;
}

export async function cardRoutes(
  app: FastifyInstance,
  deps: ViewDeps & { config: Config; sessions: SessionManager; login: LoginService; plan: RolloutPlan; cardLogin: CardLogin },
): Promise<void> {
  const { config, sessions, plan, cardLogin } = deps;
  const loginRateLimit = { max: config.rateLimit.loginPerMinute, timeWindow: '1 minute' };

  app.get<{ Querystring: { method?: string } }>('/login/card', { config: { rateLimit: loginRateLimit } }, async (request, reply) => {
    const enabled: MethodId[] = [];
    for (const m of cardLogin.methods()) if (await plan.isEnabled(m)) enabled.push(m);
    if (enabled.length === 0) throw new AppError('method_not_enabled', 'no card method enabled');
    const requested = request.query.method;
    const method = isMethodId(requested) && enabled.includes(requested) ? requested : enabled[0];
    if (!request.session) {
      const session = await sessions.createAnonymous(request.ip);
      if (!session) throw new AppError('rate_limited', 'too many anonymous sessions from this address');
      request.session = session;
      setSessionCookie(reply, sessions, config, request.session);
    }
    // One state per session until a return redeems it: opening this page again (another tab,
    // or a link from another site) must not void a card login that is on its way back.
    const existing = request.session.data.flows?.['card'] as CardFlow | undefined;
    const state = existing && isCardState(existing.state) ? existing.state : newCardState();
    if (state !== existing?.state) {
      request.session.data.flows = { ...request.session.data.flows, card: { state } satisfies CardFlow };
      await sessions.save(request.session);
    }
    const ctx = await pageContext(deps, request, reply);
    const { t } = ctx;
    const href = `${config.card.publicUrl}/card/login?state=${state}`;
    return sendHtml(
      reply,
      <Layout ctx={ctx} title={t['card.title']}>
        <h1>{t['card.title']}</h1>
        <p class="lead">{t['card.lead']({ method: t[`method.${method ?? 'telia_card'}.name`] })}</p>
        <h2>{t['card.before']}</h2>
        <ol class="steps">
          <li>{t['card.step1']}</li>
          <li>{t['card.step2']}</li>
          <li>{t['card.step3']}</li>
          <li>{t['card.step4']}</li>
        </ol>
        <p>{t['card.newWindowNote']}</p>
        <p>
          <a class="button-primary" href={href}>
            {t['card.continue']}
          </a>
        </p>
        {config.card.demoReaderUrl ? (
          <section class="callout" aria-labelledby="demo-card-heading" data-demo="card-reader">
            <h2 id="demo-card-heading">{t['card.demo.title']}</h2>
            <p>{t['card.demo.lead']}</p>
            <p>
              <a href={`${config.card.demoReaderUrl}?next=${encodeURIComponent(href)}`}>{t['card.demo.link']}</a>
            </p>
          </section>
        ) : null}
        <p>
          <a href="/login">{t['card.otherMethod']}</a>
        </p>
      </Layout>,
    );
  });

  app.get<{ Querystring: { ticket?: string } }>('/login/card/return', { config: { rateLimit: loginRateLimit } }, async (request, reply) => {
    const flow = request.session?.data.flows?.['card'] as CardFlow | undefined;
    const ticket = await cardLogin.redeem(request.query.ticket, flow?.state, request.ip);
    if (request.session && flow) {
      delete request.session.data.flows?.['card'];
      await sessions.save(request.session);
    }
    if (!ticket) return reply.redirect('/login/card/failed?code=ticket_invalid', 303);
    return completeLogin(deps, request, reply, {
      personnummer: ticket.personnummer,
      method: ticket.method,
      evidence: {
        certificate: { issuer: ticket.issuerDn, serial: ticket.serial, notAfter: new Date(ticket.notAfter) },
        reference: `card:${ticket.issuerId}:${ticket.serial}`,
      },
    });
  });

  app.get<{ Querystring: { code?: string } }>('/login/card/failed', async (request, reply) => {
    const raw = request.query.code;
    const code: CardFailureCode = CARD_FAILURE_CODES.find((c) => c === raw) ?? 'bad_request';
    const ctx = await pageContext(deps, request, reply);
    const { t } = ctx;
    return sendHtml(
      reply,
      <Layout ctx={ctx} title={t['card.failed.title']}>
        <h1>{t['card.failed.title']}</h1>
        <div class="notice notice-error" role="alert" data-code={code}>
          <p>{t[`card.error.${code}`]}</p>
        </div>
        <p>
          <a class="button-primary" href="/login/card">
            {t['card.retry']}
          </a>
        </p>
        <p>
          <a href="/login">{t['card.otherMethod']}</a>
        </p>
        <p>
          <a href="/info">{t['login.moreInfo']}</a>
        </p>
      </Layout>,
      code === 'ocsp_unavailable' ? 503 : 403,
    );
  });
}
