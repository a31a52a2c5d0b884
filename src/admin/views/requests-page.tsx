import { formatOrgnr } from '../../accounts/orgnr.js';
import { formatPersonalNumber } from '../../identity/personnummer.js';
import { formatDateTime } from '../../platform/dates.js';
import { Notice, type PageContext } from '../../web/layout.js';
import type { ExistingPerson, MembershipRequest } from '../requests.js';
import type { FieldError } from '../validate.js';
import { AdminPage, Csrf, Done, ErrorSummary, TextArea } from './components.js';
import { TableScroll } from '../../web/table-scroll.js';

export type RequestsDone = 'approved' | 'rejected';

export function RequestsPage(props: {
  ctx: PageContext;
  pending: readonly MembershipRequest[];
  recent: readonly MembershipRequest[];
  /** A refused rejection: the request, what was typed, and why it was refused. */
  refused: { id: string; note: string; error: FieldError } | undefined;
  /** The request was handled already (by someone else, or a resubmitted form). */
  alreadyHandled: boolean;
  done: RequestsDone | undefined;
}) {
  const { ctx, pending, recent, refused } = props;
  const { t, lang, site } = ctx;
  const when = (d: Date) => formatDateTime(lang, d, site.timeZone);
  const heading = (r: MembershipRequest) =>
    t[r.action === 'add' ? 'admin.requests.heading.add' : 'admin.requests.heading.remove']({
      name: r.name,
      org: `${r.orgName} (${formatOrgnr(r.orgnr)})`,
    });
  const person = (pnr: string | null, name: string | null) =>
    pnr ? `${name ?? ''} (${formatPersonalNumber(pnr)})`.trim() : t['admin.requests.none'];
  return (
    <AdminPage ctx={ctx} title={t['admin.requests.title']}>
      <ErrorSummary
        ctx={ctx}
        items={
          refused ? [{ id: `note-${refused.id}`, label: t['admin.requests.note'], error: refused.error }] : []
        }
      />
      {props.alreadyHandled ? (
        <Notice kind="error">
          <p>{t['admin.requests.error.alreadyHandled']}</p>
        </Notice>
      ) : null}
      <Done text={props.done ? t[`admin.requests.${props.done}`] : undefined} />
      <p class="lead">{t['admin.requests.lead']}</p>
      <section aria-labelledby="requests-pending">
        <h2 id="requests-pending">{t['admin.requests.pending']}</h2>
        {pending.length === 0 ? <p>{t['admin.requests.nonePending']}</p> : null}
        {pending.map((r) => {
          const noteError = refused?.id === r.id ? refused.error : undefined;
          return (
            <article key={r.id} class="admin-card" aria-labelledby={`request-${r.id}`} data-request={r.id}>
              <h3 id={`request-${r.id}`}>{heading(r)}</h3>
              <dl class="facts">
                <dt>{t['admin.requests.personnummer']}</dt>
                <dd>{formatPersonalNumber(r.personnummer)}</dd>
                <dt>{t['admin.requests.role']}</dt>
                <dd>{t[`admin.role.${r.role}`]}</dd>
                {r.action === 'add' ? (
                  <>
                    {r.existing ? (
                      <>
                        <dt>{t['admin.requests.givenName']}</dt>
                        <dd>{r.name}</dd>
                      </>
                    ) : null}
                    <dt>{t['admin.requests.email']}</dt>
                    <dd>{r.email ?? t['admin.requests.none']}</dd>
                    <dt>{t['admin.requests.phone']}</dt>
                    <dd>{r.phone ?? t['admin.requests.none']}</dd>
                  </>
                ) : null}
                <dt>{t['admin.requests.requestedBy']}</dt>
                <dd>{person(r.requestedBy, r.requestedByName)}</dd>
                <dt>{t['admin.requests.requestedAt']}</dt>
                <dd>
                  <time dateTime={r.requestedAt.toISOString()}>{when(r.requestedAt)}</time>
                </dd>
              </dl>
              {r.action === 'add' && r.existing ? <ExistingPersonFacts ctx={ctx} request={r} existing={r.existing} /> : null}
              <form method="post" action={`/admin/requests/${r.id}/approve`} class="admin-inline">
                <Csrf ctx={ctx} />
                <button type="submit" class="button-primary">
                  {t['admin.requests.approve']({ name: r.name })}
                </button>
              </form>
              <form method="post" action={`/admin/requests/${r.id}/reject`} noValidate>
                <Csrf ctx={ctx} />
                <TextArea
                  ctx={ctx}
                  id={`note-${r.id}`}
                  name="note"
                  label={t['admin.requests.note']}
                  value={refused?.id === r.id ? refused.note : ''}
                  rows={2}
                  hint={t['admin.requests.noteHint']}
                  error={noteError}
                />
                <button type="submit" class="button-secondary">
                  {t['admin.requests.reject']({ name: r.name })}
                </button>
              </form>
            </article>
          );
        })}
      </section>
      <section aria-labelledby="requests-recent">
        <h2 id="requests-recent">{t['admin.requests.recent']}</h2>
        {recent.length === 0 ? (
          <p>{t['admin.requests.noneRecent']}</p>
        ) : (
          <TableScroll label={t['admin.requests.recentCaption']}>
            <table>
              <caption>{t['admin.requests.recentCaption']}</caption>
              <thead>
                <tr>
                  <th scope="col">{t['admin.requests.col.request']}</th>
                  <th scope="col">{t['admin.requests.col.status']}</th>
                  <th scope="col">{t['admin.requests.col.handled']}</th>
                  <th scope="col">{t['admin.requests.col.note']}</th>
                </tr>
              </thead>
              <tbody>
                {recent.map((r) => (
                  <tr key={r.id} data-request={r.id}>
                    <th scope="row">{`${heading(r)}, ${formatPersonalNumber(r.personnummer)}`}</th>
                    <td>{t[`admin.requests.status.${r.status}`]}</td>
                    <td>
                      {r.handledAt
                        ? `${when(r.handledAt)}, ${r.handledBy ? formatPersonalNumber(r.handledBy) : ''}`
                        : ''}
                    </td>
                    <td>{r.note ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
    </AdminPage>
  );
}

/** Who an "add" request is about when the person is known already: what approving keeps. */
function ExistingPersonFacts(props: { ctx: PageContext; request: MembershipRequest; existing: ExistingPerson }) {
  const { ctx, request: r, existing: e } = props;
  const { t } = ctx;
  const headingId = `request-${r.id}-existing`;
  return (
    <section class="callout request-existing" aria-labelledby={headingId}>
      <h4 id={headingId}>{t['admin.requests.existing.title']}</h4>
      <dl class="facts">
        <dt>{t['admin.requests.existing.name']}</dt>
        <dd>{e.name}</dd>
        <dt>{t['admin.requests.existing.email']}</dt>
        <dd>{e.email ?? t['admin.requests.none']}</dd>
        <dt>{t['admin.requests.existing.phone']}</dt>
        <dd>{e.phone ?? t['admin.requests.none']}</dd>
        <dt>{t['admin.requests.existing.account']}</dt>
        <dd>{t[e.active ? 'admin.requests.existing.active' : 'admin.requests.existing.inactive']}</dd>
        <dt>{t['admin.requests.existing.staff']}</dt>
        <dd>
          {e.staffRoles.length === 0 ? t['admin.requests.existing.noStaff'] : e.staffRoles.map((role) => t[`admin.staff.${role}`]).join(', ')}
        </dd>
      </dl>
      <p>{t['admin.requests.existing.keeps']}</p>
      <p>
        <a href={`/admin/people/${r.personnummer}`}>{t['admin.requests.existing.link']({ name: e.name })}</a>
      </p>
    </section>
  );
}
