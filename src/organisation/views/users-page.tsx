/**
 * "Hantera användare": who can act for the organisation, the requests waiting for the
 * agency, and (for the organisation's admins) a remove button per user and the form that
 * asks to add one.
 */
import { formatOrgnr } from '../../accounts/orgnr.js';
import { formatPersonalNumber } from '../../identity/personnummer.js';
import { Layout, Notice, type PageContext } from '../../web/layout.js';
import { TableScroll } from '../../web/table-scroll.js';
import { ErrorSummary, ScalarInput } from '../../cases/views/fields.js';
import type { MembershipRequest, Register } from '../register.js';
import { USER_FIELDS, type ActingOrg, type Parsed } from '../route-context.js';

/** What the page shows besides the users: a request sent back with its problems, or "requested". */
export interface UsersPageState {
  parsed?: Parsed;
  requested?: boolean;
  error?: string;
}

export function UsersPage(
  props: UsersPageState & {
    ctx: PageContext;
    org: ActingOrg;
    members: Awaited<ReturnType<Register['members']>>;
    pending: readonly MembershipRequest[];
  },
) {
  const { ctx, org, members, pending } = props;
  const { t, lang } = ctx;
  const errors = props.parsed?.errors ?? new Map<string, string>();
  const summary = [...errors.entries()].map(([path, text]) => ({ href: `#f-${path}`, text }));
  if (props.error) summary.push({ href: '#f-user-personnummer', text: props.error });
  return (
    <Layout ctx={ctx} title={t['orgUsers.title']}>
      <h1>{t['orgUsers.title']}</h1>
      <p class="lead">{t['orgUsers.lead']({ org: `${org.orgName} (${formatOrgnr(org.orgnr)})` })}</p>
      {props.requested ? (
        <Notice kind="success">
          <p>{t['orgUsers.requested']}</p>
        </Notice>
      ) : null}
      <ErrorSummary t={t} title={t['cases.errorSummary']} items={summary}>
        <p>{t['cases.notSaved']}</p>
      </ErrorSummary>
      <TableScroll label={t['orgUsers.title']}>
        <table>
          <caption class="visually-hidden">{t['orgUsers.title']}</caption>
          <thead>
            <tr>
              <th scope="col">{t['orgUsers.col.name']}</th>
              <th scope="col">{t['orgUsers.col.personnummer']}</th>
              <th scope="col">{t['orgUsers.col.role']}</th>
              {org.isAdmin ? (
                <th scope="col">
                  <span class="visually-hidden">{t['cases.col.action']}</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.personnummer}>
                <td>{m.name}</td>
                <td>{formatPersonalNumber(m.personnummer)}</td>
                <td>{t[`start.role.${m.role}`]}</td>
                {org.isAdmin ? (
                  <td>
                    {m.personnummer !== org.principal.personnummer ? (
                      <form method="post" action="/organisation/users/requests" class="inline-form">
                        <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
                        <input type="hidden" name="action" value="remove" />
                        <input type="hidden" name="personnummer" value={m.personnummer} />
                        <input type="hidden" name="name" value={m.name} />
                        <input type="hidden" name="role" value={m.role} />
                        <button type="submit" class="button-secondary">
                          {t['orgUsers.requestRemove']({ name: m.name })}
                        </button>
                      </form>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <h2>{t['orgUsers.pendingHeading']}</h2>
      {pending.length === 0 ? (
        <p>{t['orgUsers.noPending']}</p>
      ) : (
        <ul>
          {pending.map((p) => (
            <li
              key={p.id}
            >{`${p.action === 'add' ? t['orgUsers.action.add'] : t['orgUsers.action.remove']}: ${p.name} (${formatPersonalNumber(p.personnummer)})`}</li>
          ))}
        </ul>
      )}
      {org.isAdmin ? (
        <section aria-labelledby="add-h">
          <h2 id="add-h">{t['orgUsers.addHeading']}</h2>
          <p>{t['orgUsers.addLead']}</p>
          <form method="post" action="/organisation/users/requests" novalidate>
            <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
            <input type="hidden" name="action" value="add" />
            {USER_FIELDS.map((f) => (
              <ScalarInput
                key={f.id}
                field={{ ...f, id: `user-${f.id}` }}
                path={`user-${f.id}`}
                value={props.parsed?.values[f.id] ?? ''}
                error={errors.get(`user-${f.id}`)}
                lang={lang}
                t={t}
              />
            ))}
            <button type="submit" class="button-primary">
              {t['orgUsers.submit']}
            </button>
          </form>
        </section>
      ) : (
        <p>{t['orgUsers.notAdmin']}</p>
      )}
    </Layout>
  );
}
