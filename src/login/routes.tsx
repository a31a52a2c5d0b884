/**
 * Login page (the methods enabled now per the rollout plan), logout, the logged-in start
 * page with the choice of organisation, session keep-alive and the language switch.
 */
import type {} from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Accounts } from '../accounts/service.js';
import type { AccountFactsReader } from '../accounts/facts.js';
import type { Config } from '../config/config.js';
import { storedPrincipal, type Principal, type SessionManager } from '../identity/sessions.js';
import type { VNode } from 'preact';
import type { Clock } from '../platform/clock.js';
import { clearSessionCookie, LANG_COOKIE, setSessionCookie } from '../web/context.js';
import { AppError, safeLocalPath } from '../web/errors.js';
import { requirePrincipal } from '../web/guard.js';
import { formatDuration } from '../platform/dates.js';
import { isLang, type Lang, type Messages } from '../platform/i18n/index.js';
import { Layout } from '../web/layout.js';
import { pageContext, sendHtml, type ViewDeps } from '../web/render.js';
import type { LoginMethodProvider } from './methods.js';
import type { MethodId } from '../identity/methods.js';
import type { SiteInfo } from '../platform/site.js';
import type { RolloutPlan } from './plan.js';
import type { LoginEvidence, LoginService } from './service.js';
import { LoginPage, loginMethodsAt } from './views/login-page.js';
import { ChooseOrganisationPage } from './views/choose-organisation-page.js';
import { StartPage } from './views/start-page.js';

export interface LoginRoutesDeps extends ViewDeps {
  config: Config;
  clock: Clock;
  site: SiteInfo;
  plan: RolloutPlan;
  accounts: Accounts;
  /** The account facts the request context read for this request (cached; see accounts/facts.ts). */
  accountFacts?: AccountFactsReader;
  sessions: SessionManager;
  login: LoginService;
  providers: ReadonlyMap<MethodId, LoginMethodProvider>;
  /** Notices features add to the start page (e.g. a card about to expire). */
  startNotices?: readonly StartNotice[];
}

/** Renders a notice for the logged-in person, or null. */
export type StartNotice = (request: FastifyRequest, principal: Principal) => Promise<VNode | null>;

/** What the login page says after `?m=`, or after a request whose session had ended. */
function loginMessage(
  t: Messages,
  lang: Lang,
  m: string | undefined,
  session: { idleSeconds: number; absoluteSeconds: number },
): { kind: 'success' | 'error'; text: string } | undefined {
  switch (m) {
    case 'logged_out':
      return { kind: 'success', text: t['login.loggedOut'] };
    case 'session_ended':
      return {
        kind: 'error',
        text: t['login.sessionEnded']({
          idle: formatDuration(lang, session.idleSeconds),
          lifetime: formatDuration(lang, session.absoluteSeconds),
        }),
      };
    case 'rate_limited':
      return { kind: 'error', text: t['error.rate_limited'] };
    default:
      return undefined;
  }
}

/**
 * What a method provider (card, BankID) calls once it has proved a personal number:
 * logs the person in with a fresh session and sends them to the start page (by the choice
 * of company when they act for several), or to the "no account" page. Never creates an account.
 */
export async function completeLogin(
  deps: Pick<LoginRoutesDeps, 'login' | 'sessions' | 'config'>,
  request: FastifyRequest,
  reply: FastifyReply,
  input: { personnummer: string; method: MethodId; evidence: LoginEvidence },
): Promise<FastifyReply> {
  const result = await deps.login.login({ ...input, previous: request.session, ip: request.ip });
  if (!result.ok) {
    if (result.reason === 'no_account') {
      if (request.session) await deps.sessions.destroy(request.session);
      clearSessionCookie(reply, deps.sessions, deps.config);
      return reply.redirect('/login/no-account', 303);
    }
    throw new AppError(result.reason === 'method_not_enabled' ? 'method_not_enabled' : 'bad_request', result.reason);
  }
  setSessionCookie(reply, deps.sessions, deps.config, result.session);
  // Several companies: the person says which one they act for before anything else.
  return reply.redirect(result.chooseOrganisation ? '/start/organisation' : '/start', 303);
}

export async function loginRoutes(app: FastifyInstance, deps: LoginRoutesDeps): Promise<void> {
  const { config, clock, site, plan, accounts, sessions, login, providers } = deps;
  /** For showing only: the choice itself (POST) reads the accounts afresh. */
  const shownMemberships = (personnummer: string) => deps.accountFacts?.memberships(personnummer) ?? accounts.memberships(personnummer);
  const loginRateLimit = { max: config.rateLimit.loginPerMinute, timeWindow: '1 minute' };

  // A cookie of a session that has ended (idle, lifetime): the login page says so.
  app.get('/', async (request, reply) =>
    reply.redirect(request.principal ? '/start' : request.sessionExpired ? '/login?m=session_ended' : '/login', 303),
  );

  app.get<{ Querystring: { m?: string } }>('/login', { config: { rateLimit: loginRateLimit } }, async (request, reply) => {
    const now = clock.now();
    const { enabled, planned } = loginMethodsAt(await plan.methods(), now, providers);
    const ctx = await pageContext(deps, request, reply);
    const m = request.query.m ?? (request.sessionExpired ? 'session_ended' : undefined);
    const message = loginMessage(ctx.t, ctx.lang, m, config.session);
    return sendHtml(reply, <LoginPage ctx={ctx} site={site} now={now} enabled={enabled} planned={planned} message={message} />);
  });

  app.post('/logout', async (request, reply) => {
    if (request.session) await login.logout(request.session, request.ip);
    clearSessionCookie(reply, sessions, config);
    return reply.redirect('/login?m=logged_out', 303);
  });

  app.get<{ Querystring: { changed?: string } }>('/start', async (request, reply) => {
    const { principal } = requirePrincipal(request);
    const memberships = await shownMemberships(principal.personnummer);
    const ctx = await pageContext(deps, request, reply);
    const changedTo =
      request.query.changed === '1' ? memberships.find((m) => m.orgnr === principal.orgnr)?.orgName : undefined;
    const notices = (await Promise.all((deps.startNotices ?? []).map((n) => n(request, principal)))).filter((n) => n !== null);
    return sendHtml(reply, <StartPage ctx={ctx} memberships={memberships} changedTo={changedTo} notices={notices} />);
  });

  /** The choice of the company a person acts for: right after login when there are several, and "Byt företag". */
  app.get('/start/organisation', async (request, reply) => {
    const { principal } = requirePrincipal(request);
    const memberships = await shownMemberships(principal.personnummer);
    if (memberships.length === 0) return reply.redirect('/start', 303);
    const ctx = await pageContext(deps, request, reply);
    return sendHtml(reply, <ChooseOrganisationPage ctx={ctx} memberships={memberships} />);
  });

  app.post<{ Body: { orgnr?: unknown } }>('/start/organisation', async (request, reply) => {
    const { principal, session } = requirePrincipal(request);
    const orgnr = request.body?.orgnr;
    const memberships = await accounts.memberships(principal.personnummer);
    if (orgnr === undefined || orgnr === '') {
      // Nothing chosen: the same page, with the error tied to the choice.
      const ctx = await pageContext(deps, request, reply);
      return sendHtml(reply, <ChooseOrganisationPage ctx={ctx} memberships={memberships} missing />, 422);
    }
    if (typeof orgnr !== 'string' || !/^\d{10}$/.test(orgnr)) throw new AppError('bad_request', 'orgnr missing or malformed');
    if (!memberships.some((m) => m.orgnr === orgnr)) throw new AppError('forbidden', 'not a member of that organisation');
    session.data.principal = { ...storedPrincipal(principal), orgnr };
    await sessions.save(session);
    return reply.redirect('/start?changed=1', 303);
  });

  /** "Stay logged in": extends the idle period. JSON for the script, a redirect without it. */
  app.post<{ Body: { return?: unknown } }>('/session/extend', async (request, reply) => {
    const { session } = requirePrincipal(request);
    await sessions.extend(session);
    if (request.headers.accept?.includes('application/json')) {
      return reply.header('cache-control', 'no-store').send({ expiresAt: sessions.expiresAt(session.data) });
    }
    return reply.redirect(safeLocalPath(request.body?.return, '/start'), 303);
  });

  /** When the session ends; read by the warning script without extending the session. */
  app.get('/session/remaining', { config: { touchSession: false } }, async (request, reply) => {
    const session = request.principal ? request.session : undefined;
    return reply
      .header('cache-control', 'no-store')
      .send({ expiresAt: session ? sessions.expiresAt(session.data) : null, now: clock.now().getTime() });
  });

  app.get<{ Params: { lang: string }; Querystring: { return?: string } }>('/lang/:lang', async (request, reply) => {
    const lang = request.params.lang;
    if (!isLang(lang)) throw new AppError('unknown_language', 'unknown language');
    reply.setCookie(LANG_COOKIE, lang, {
      path: '/',
      sameSite: 'lax',
      httpOnly: true,
      secure: config.session.secureCookie,
      maxAge: 365 * 24 * 3600,
    });
    return reply.redirect(safeLocalPath(request.query.return, '/'), 303);
  });

  app.get('/login/no-account', async (request, reply) => {
    const ctx = await pageContext(deps, request, reply);
    const { t } = ctx;
    return sendHtml(
      reply,
      <Layout ctx={ctx} title={t['noAccount.title']}>
        <h1>{t['noAccount.title']}</h1>
        <p>{t['noAccount.body']}</p>
        <p>
          <a href={`mailto:${site.supportEmail}`}>{t['noAccount.contact']({ email: site.supportEmail })}</a>
        </p>
      </Layout>,
      403,
    );
  });
}
