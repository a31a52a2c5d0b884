/**
 * The cases of the organisation a person acts for: the list (drafts, submitted cases,
 * messages), a new case or a copy of an earlier one, and deleting a draft.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatOrgnr } from '../accounts/orgnr.js';
import type { Principal } from '../identity/sessions.js';
import { requirePrincipal } from '../web/guard.js';
import { AppError } from '../web/errors.js';
import { Layout } from '../web/layout.js';
import { pageContext, sendHtml } from '../web/render.js';
import type { CaseAccess, CaseRoutesDeps } from './route-context.js';
import type { CaseRow } from './service.js';
import { ATTACHMENTS_STEP } from './types.js';
import { LIST_MAX_PAGE, listPage, type CaseSection } from './queries.js';
import { CaseTable } from './views/case-table.js';
import { Pager } from './views/pager.js';
import { NewCasePage } from './views/new-case-page.js';
import { stepUrl } from './views/steps.js';

const SECTIONS: readonly CaseSection[] = ['drafts', 'submitted', 'messages'];

export function listRoutes(app: FastifyInstance, deps: CaseRoutesDeps, access: CaseAccess): void {
  const { cases, site } = deps;
  const { actingOrg, caseFor, draftFor } = access;
  app.get<{ Querystring: Partial<Record<CaseSection, unknown>> }>('/cases', async (request, reply) => {
    const { principal } = requirePrincipal(request);
    const org = await actingOrg(principal);
    const ctx = await pageContext(deps, request, reply);
    const { t, lang } = ctx;
    if (!org) {
      return sendHtml(
        reply,
        <Layout ctx={ctx} title={t['cases.title']}>
          <h1>{t['cases.title']}</h1>
          <p>
            <a href="/start">{t['cases.chooseOrgFirst']}</a>
          </p>
        </Layout>,
      );
    }
    // Each section a page at a time; its page number is its own query parameter (bad ones are page 1).
    const pages: Record<CaseSection, number> = {
      drafts: listPage(request.query.drafts),
      submitted: listPage(request.query.submitted),
      messages: listPage(request.query.messages),
    };
    const [drafts, submitted, messages] = await Promise.all(
      SECTIONS.map((section) =>
        cases.pageForOrganisation(org.orgnr, principal.personnummer, section, pages[section]),
      ),
    );
    const title = (c: CaseRow) => cases.titleOf(cases.typeOf(c), c.data, lang);
    const href = (section: CaseSection, page: number) => {
      const params = new URLSearchParams();
      for (const s of SECTIONS) {
        const n = s === section ? page : pages[s];
        if (n > 1) params.set(s, String(n));
      }
      const query = params.toString();
      return `/cases${query ? `?${query}` : ''}#${section}-h`;
    };
    const table = (
      found: Awaited<ReturnType<typeof cases.pageForOrganisation>> | undefined,
      section: CaseSection,
      heading: string,
    ) => {
      const page = pages[section];
      return (
        <>
          <CaseTable
            rows={found?.rows ?? []}
            labelledBy={`${section}-h`}
            submittedCols={section !== 'drafts'}
            titleOf={title}
            t={t}
            lang={lang}
            timeZone={site.timeZone}
          />
          <Pager
            label={t['cases.pages']({ list: heading })}
            current={t['cases.page']({ page })}
            previous={page > 1 ? { href: href(section, page - 1), text: t['cases.previousPage'] } : undefined}
            next={
              found?.more && page < LIST_MAX_PAGE
                ? { href: href(section, page + 1), text: t['cases.nextPage'] }
                : undefined
            }
          />
        </>
      );
    };
    return sendHtml(
      reply,
      <Layout ctx={ctx} title={t['cases.title']}>
        <h1>{t['cases.title']}</h1>
        <p class="lead">{t['cases.lead']({ org: `${org.orgName} (${formatOrgnr(org.orgnr)})` })}</p>
        <p>
          <a class="button-primary" href="/cases/new">
            {t['cases.new']}
          </a>
        </p>
        <h2 id="drafts-h">{t['cases.drafts']}</h2>
        {table(drafts, 'drafts', t['cases.drafts'])}
        <h2 id="submitted-h">{t['cases.submitted']}</h2>
        {table(submitted, 'submitted', t['cases.submitted'])}
        <h2 id="messages-h">{t['cases.messagesHeading']}</h2>
        {table(messages, 'messages', t['cases.messagesHeading'])}
      </Layout>,
    );
  });

  app.get('/cases/new', async (request, reply) => {
    const { principal } = requirePrincipal(request);
    const org = await actingOrg(principal);
    if (!org) return reply.redirect('/cases', 303);
    return renderNew(request, reply, principal, org.orgnr, false);
  });

  /** New case: the case types, none chosen in advance (the first is no choice the person made). */
  async function renderNew(
    request: FastifyRequest,
    reply: FastifyReply,
    principal: Principal,
    orgnr: string,
    missing: boolean,
  ) {
    const ctx = await pageContext(deps, request, reply);
    const { t, lang } = ctx;
    const earlier = await cases.listForOrganisation(orgnr, principal.personnummer);
    return sendHtml(
      reply,
      <NewCasePage
        ctx={ctx}
        types={cases.types.types}
        earlier={earlier.map((c) => ({
          id: c.id,
          label: `${c.case_number ?? t['cases.status.draft']} – ${cases.titleOf(cases.typeOf(c), c.data, lang)}`,
        }))}
        missing={missing}
      />,
      missing ? 422 : 200,
    );
  }

  app.post<{ Body: { type?: unknown; copy?: unknown } }>('/cases', async (request, reply) => {
    const { principal } = requirePrincipal(request);
    const org = await actingOrg(principal);
    if (!org) throw new AppError('forbidden', 'no acting organisation');
    // No type chosen (and no case to copy): the same page, with the reason at the choice.
    if (request.body.copy === undefined && (request.body.type === undefined || request.body.type === ''))
      return renderNew(request, reply, principal, org.orgnr, true);
    const row = await createFrom(principal, org.orgnr);
    return reply.redirect(stepUrl(row, cases.typeOf(row).steps[0]?.id ?? ATTACHMENTS_STEP), 303);

    async function createFrom(principal: Principal, orgnr: string): Promise<CaseRow> {
      if (typeof request.body.copy === 'string') {
        const source = await caseFor(request, request.body.copy);
        if (source.access !== 'member' || source.row.orgnr !== orgnr)
          throw new AppError('forbidden', 'copy of another organisation');
        return cases.createDraft({
          principal,
          orgnr,
          typeId: source.row.type_id,
          copyOf: source.row,
          ip: request.ip,
        });
      }
      const typeId = request.body.type;
      if (typeof typeId !== 'string' || !cases.types.get(typeId))
        throw new AppError('bad_request', 'unknown case type');
      return cases.createDraft({ principal, orgnr, typeId, ip: request.ip });
    }
  });

  app.post<{ Params: { id: string } }>('/cases/:id/delete', async (request, reply) => {
    const found = await draftFor(request, request.params.id);
    await cases.deleteDraft(found.row, found.principal.personnummer, request.ip);
    return reply.redirect('/cases', 303);
  });
}
