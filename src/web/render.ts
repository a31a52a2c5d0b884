import type { FastifyReply, FastifyRequest } from 'fastify';
import { h, type VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { Config } from '../config/config.js';
import type { SessionManager } from '../identity/sessions.js';
import type { SiteInfo } from '../platform/site.js';
import { csrfToken } from './context.js';
import { PageStatus, type PageContext } from './layout.js';

export interface ViewDeps {
  config: Config;
  sessions: SessionManager;
  site: SiteInfo;
}

/** Builds the layout context of a request; pages with forms ask for a CSRF token. */
export async function pageContext(
  deps: ViewDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { forms?: boolean } = {},
): Promise<PageContext> {
  const needsCsrf = options.forms === true || request.principal !== undefined;
  const csrf = needsCsrf ? await csrfToken(request, reply, deps.sessions, deps.config) : undefined;
  const session = request.session;
  return {
    lang: request.lang,
    t: request.t,
    path: request.url,
    site: deps.site,
    principal: request.principal,
    csrf,
    sessionExpiresAt: session && request.principal ? deps.sessions.expiresAt(session.data) : undefined,
    warningSeconds: deps.config.session.warningSeconds,
    serverNow: deps.sessions.now(),
    demo: deps.config.mode !== 'production',
  };
}

/** Sends a full HTML document. */
export function sendHtml(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  // The status goes to the layout, which marks the title of a refused or failed page.
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(`<!doctype html>${renderToString(h(PageStatus.Provider, { value: status }, page))}`);
}
