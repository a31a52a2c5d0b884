/**
 * A submitted case: its facts, the receipt and the signature check, the conversation with
 * the agency (unread messages marked, then read), the details and attachments; for case
 * officers, taking and closing the case.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatOrgnr } from '../accounts/orgnr.js';
import { methodName } from '../identity/methods.js';
import { formatPersonalNumber } from '../identity/personnummer.js';
import { formatDateTime } from '../platform/dates.js';
import type { Messages } from '../platform/i18n/index.js';
import { timestampText } from '../signing/views/evidence.js';
import { AppError } from '../web/errors.js';
import { WithCode } from '../web/shown-text.js';
import { Layout, Notice } from '../web/layout.js';
import { pageContext, sendHtml } from '../web/render.js';
import { formatSize } from './display.js';
import type { CaseAccess, CaseRoutesDeps, FoundCaseView } from './route-context.js';
import type { CaseRow } from './service.js';
import { ATTACHMENTS_STEP } from './types.js';
import { MessageForm } from './views/message-form.js';
import { stepUrl } from './views/steps.js';
import { AttachmentTable, Summary } from './views/summary.js';

export function submittedCaseRoutes(app: FastifyInstance, deps: CaseRoutesDeps, access: CaseAccess): void {
  const { cases } = deps;
  const { caseFor, caseViewFor } = access;
  app.get<{ Params: { id: string } }>('/cases/:id', async (request, reply) => {
    const found = await caseViewFor(request, request.params.id);
    if (found.row.status === 'draft')
      return reply.redirect(stepUrl(found.row, found.type.steps[0]?.id ?? ATTACHMENTS_STEP), 303);
    return renderCase(deps, request, reply, found);
  });

  app.post<{ Params: { id: string }; Body: { status?: unknown } }>(
    '/cases/:id/status',
    async (request, reply) => {
      const found = await caseFor(request, request.params.id);
      if (found.access !== 'staff' || !found.principal.staff.includes('case_officer'))
        throw new AppError('forbidden', 'only case officers change status');
      const status = request.body.status;
      if (status !== 'in_progress' && status !== 'closed')
        throw new AppError('bad_request', 'unknown status');
      await cases.setStatus(found.row, status, found.principal.personnummer, request.ip);
      const done = status === 'closed' ? 'closed' : found.row.status === 'closed' ? 'reopened' : 'taken';
      return reply.redirect(`/cases/${found.row.id}?m=${done}`, 303);
    },
  );

  /** "Avsluta ärendet?": closing asks first, and says what it means and that it can be undone. */
  app.get<{ Params: { id: string } }>('/cases/:id/close', async (request, reply) => {
    const found = await caseFor(request, request.params.id);
    if (found.access !== 'staff' || !found.principal.staff.includes('case_officer'))
      throw new AppError('forbidden', 'only case officers close cases');
    if (found.row.status === 'closed') return reply.redirect(`/cases/${found.row.id}`, 303);
    const ctx = await pageContext(deps, request, reply);
    const { t, lang } = ctx;
    const title = cases.titleOf(found.type, found.row.data, lang);
    return sendHtml(
      reply,
      <Layout ctx={ctx} title={t['cases.officer.closeTitle']}>
        <h1>{t['cases.officer.closeTitle']}</h1>
        <p class="lead">
          <WithCode message={(number) => t['cases.officer.closeLead']({ number, title })} code={found.row.case_number ?? ''} />
        </p>
        <p>{t['cases.officer.closeUndo']}</p>
        <form method="post" action={`/cases/${found.row.id}/status`}>
          <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
          <input type="hidden" name="status" value="closed" />
          <div class="button-row">
            <button type="submit" class="button-primary">
              {t['cases.officer.closeConfirm']}
            </button>
            <a class="button-secondary" href={`/cases/${found.row.id}`}>
              {t['cases.officer.closeCancel']}
            </a>
          </div>
        </form>
      </Layout>,
    );
  });
}

async function renderCase(
  deps: CaseRoutesDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  found: FoundCaseView,
) {
  const { cases, site } = deps;
  const { row, type, principal, access, view } = found;
  const q = request.query as { m?: string };
  // The page's own data in at most three round trips: the case with everything it shows
  // (caseViewFor), the conversation with what this person has read, and, only when
  // something was unread, the markers.
  const messages = await cases.conversation(row.id, principal.personnummer, view.attachments);
  const unread = messages.filter((m) => !m.read);
  const unreadIds = new Set<string>();
  if (access === 'member') {
    for (const m of unread) if (m.side === 'agency') unreadIds.add(m.id);
  }
  await cases.markRead(row, principal.personnummer, unread);
  const ctx = await pageContext(deps, request, reply);
  const { t, lang } = ctx;
  const attachments = view.attachments.filter((a) => a.messageId === null);
  const evidence = view.signature;
  const timestamp = view.timestamp;
  const people = new Map<string, string>();
  if (row.submitted_by) people.set(row.submitted_by, view.submitterName ?? formatPersonalNumber(row.submitted_by));
  if (row.officer) people.set(row.officer, view.officerName ?? formatPersonalNumber(row.officer));
  const notice =
    q.m === 'submitted' && row.case_number
      ? t['cases.submittedNotice']({ number: row.case_number })
      : q.m === 'sent'
        ? t['cases.messageSent']
        : q.m === 'taken'
          ? t['cases.officer.taken']
          : q.m === 'closed'
            ? t['cases.officer.closed']
            : q.m === 'reopened'
              ? t['cases.officer.reopened']
              : undefined;
  const conversation = (
    <section aria-labelledby="msg-h">
      <h2 id="msg-h">{t['cases.messagesTitle']}</h2>
      {messages.length === 0 ? <p>{t['cases.noMessages']}</p> : null}
      <ol class="messages">
        {messages.map((m) => (
          <li
            key={m.id}
            class={`message message-${m.side}`}
            data-unread={unreadIds.has(m.id) ? 'true' : undefined}
          >
            <p class="message-meta">
              {unreadIds.has(m.id) ? <strong class="badge">{`${t['cases.messageNew']} `}</strong> : null}
              {m.side === 'agency'
                ? t['cases.messageFrom.agency']({ agency: site.agencyShort }) +
                  (access === 'staff' && m.authorName ? ` (${m.authorName})` : '')
                : t['cases.messageFrom.organisation']({ name: m.authorName ?? '' })}
              {` · ${formatDateTime(lang, new Date(m.createdAt), site.timeZone)}`}
            </p>
            <p class="message-body">{m.body}</p>
            {m.attachments.map((a) => (
              <p key={a.id}>
                <a href={`/cases/${row.id}/attachments/${a.id}`}>{a.fileName}</a>
                {` (${formatSize(a.size, lang)}, SHA-256 `}
                <code>{a.sha256}</code>)
              </p>
            ))}
          </li>
        ))}
      </ol>
      {row.status === 'closed' ? (
        <p>{t['cases.messageClosed']}</p>
      ) : (
        <MessageForm
          row={row}
          t={t}
          csrf={ctx.csrf ?? ''}
          {...(access === 'staff' ? { hint: t['cases.officer.replyHint'] } : {})}
        />
      )}
    </section>
  );
  const details = (
    <section aria-labelledby="details-h">
      <h2 id="details-h">{t['cases.details']}</h2>
      <Summary row={row} type={type} lang={lang} t={t} editable={false} />
      <h2>{t['cases.attachmentsTitle']}</h2>
      <AttachmentTable
        t={t}
        lang={lang}
        row={row}
        attachments={attachments}
        csrf={ctx.csrf ?? ''}
        removable={false}
      />
    </section>
  );
  return sendHtml(
    reply,
    <Layout ctx={ctx} title={`${row.case_number ?? ''} ${cases.titleOf(type, row.data, lang)}`}>
      <p class="kicker">{t['cases.viewLead']({ number: row.case_number ?? '' })}</p>
      <h1>{cases.titleOf(type, row.data, lang)}</h1>
      {notice ? (
        <Notice kind="success">
          <p>{notice}</p>
        </Notice>
      ) : null}
      <dl class="facts">
        <dt>{t['cases.col.number']}</dt>
        <dd>{row.case_number ?? ''}</dd>
        <dt>{t['cases.facts.type']}</dt>
        <dd>{type.name[lang]}</dd>
        <dt>{t['cases.facts.organisation']}</dt>
        <dd>{view.orgName !== null ? `${view.orgName} (${formatOrgnr(row.orgnr)})` : row.orgnr}</dd>
        <dt>{t['cases.facts.status']}</dt>
        <dd>{t[`cases.status.${row.status}`]}</dd>
        <dt>{t['cases.facts.submittedAt']}</dt>
        <dd>{row.submitted_at ? formatDateTime(lang, new Date(row.submitted_at), site.timeZone) : ''}</dd>
        <dt>{t['cases.facts.submittedBy']}</dt>
        <dd>{`${row.submitted_by ? (people.get(row.submitted_by) ?? '') : ''}${evidence ? ` – ${methodName(t, evidence.method)}` : ''}`}</dd>
        {timestamp && timestamp.state !== 'none' ? (
          <>
            {/* As stored; the signature check verifies the token. */}
            <dt>{t['evidence.timestamp']}</dt>
            <dd data-timestamp={timestamp.state}>
              {timestampText(timestamp.state === 'stamped' ? { state: 'stamped', ok: true, genTime: timestamp.genTime } : { state: 'pending' }, t, lang, site.timeZone)}
            </dd>
          </>
        ) : null}
        {row.officer ? (
          <>
            <dt>{t['cases.facts.officer']}</dt>
            <dd>{people.get(row.officer) ?? ''}</dd>
          </>
        ) : null}
      </dl>
      <p class="button-row">
        <a class="button-primary" href={`/cases/${row.id}/receipt.pdf`} download>
          {t['cases.receipt']}
        </a>
        <a class="button-secondary" href={`/cases/${row.id}/signature`}>
          {t['cases.verify']}
        </a>
        {access === 'member' || principal.staff.includes('case_officer') ? (
          <a class="button-secondary" href={`/cases/${row.id}/archive.zip`} download aria-describedby="archive-about">
            {t['cases.archive']}
          </a>
        ) : null}
      </p>
      {access === 'member' || principal.staff.includes('case_officer') ? (
        <p id="archive-about" class="hint">
          {t['cases.archiveAbout']}
        </p>
      ) : null}
      {/* A case officer reads the case first, then the conversation and the reply, then
          handles it; the company sees its conversation first. */}
      {access === 'staff' ? (
        <>
          {details}
          {conversation}
          <OfficerActions row={row} t={t} csrf={ctx.csrf ?? ''} />
        </>
      ) : (
        <>
          {conversation}
          {details}
        </>
      )}
      {access === 'member' ? (
        <form method="post" action="/cases">
          <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
          <input type="hidden" name="copy" value={row.id} />
          <button type="submit" class="button-secondary">
            {t['cases.copyThis']}
          </button>
        </form>
      ) : null}
    </Layout>,
  );
}

function OfficerActions(props: { row: CaseRow; t: Messages; csrf: string }) {
  const { row, t } = props;
  const statusForm = (status: 'in_progress', label: string, primary: boolean) => (
    <form method="post" action={`/cases/${row.id}/status`} class="inline-form">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <input type="hidden" name="status" value={status} />
      <button type="submit" class={primary ? 'button-primary' : 'button-secondary'}>
        {label}
      </button>
    </form>
  );
  return (
    <section aria-labelledby="officer-h" class="officer-actions">
      <h2 id="officer-h">{t['cases.officer.actions']}</h2>
      {row.status === 'closed' ? (
        // Closing can be undone.
        <div class="button-row">{statusForm('in_progress', t['cases.officer.reopen'], false)}</div>
      ) : (
        <div class="button-row">
          {row.status === 'submitted' ? statusForm('in_progress', t['cases.officer.take'], true) : null}
          {/* Closing asks first (/close), and is set apart from taking the case. */}
          <a class="button-secondary officer-close" href={`/cases/${row.id}/close`}>
            {t['cases.officer.close']}
          </a>
        </div>
      )}
    </section>
  );
}
