/** People and organisations for staff: search, the person and organisation pages, the add forms. */
import type { Member, MembershipOfPerson, Organisation, Person } from '../../accounts/service.js';
import type { StaffRole } from '../../identity/roles.js';
import { formatOrgnr } from '../../accounts/orgnr.js';
import { formatPersonalNumber } from '../../identity/personnummer.js';
import type { PageContext } from '../../web/layout.js';
import type { FieldError, FieldErrors } from '../validate.js';
import { AdminPage, Csrf, Done, ErrorSummary, SelectField, TextField } from './components.js';
import { TableScroll } from '../../web/table-scroll.js';

/** A form as typed and what was wrong with it. */
export interface FormState {
  values: Readonly<Record<string, string>>;
  errors: FieldErrors;
}

export const EMPTY_FORM: FormState = { values: {}, errors: {} };

function v(form: FormState, name: string): string {
  return form.values[name] ?? '';
}

function SearchForm(props: {
  ctx: PageContext;
  action: string;
  id: string;
  label: string;
  hint: string;
  submit: string;
  value: string;
  error: FieldError | undefined;
}) {
  return (
    <form method="get" action={props.action} role="search" class="admin-search">
      <TextField
        ctx={props.ctx}
        id={props.id}
        name="q"
        label={props.label}
        hint={props.hint}
        value={props.value}
        error={props.error}
      />
      <button type="submit" class="button-primary">
        {props.submit}
      </button>
    </form>
  );
}

function StatusText({ ctx, active }: { ctx: PageContext; active: boolean }) {
  return <>{active ? ctx.t['admin.status.active'] : ctx.t['admin.status.inactive']}</>;
}

export function PeopleSearchPage(props: {
  ctx: PageContext;
  q: string;
  error: FieldError | undefined;
  results: readonly Person[] | undefined;
}) {
  const { ctx, results } = props;
  const { t } = ctx;
  return (
    <AdminPage ctx={ctx} title={t['admin.people.title']}>
      <ErrorSummary
        ctx={ctx}
        items={[{ id: 'people-q', label: t['admin.people.search'], error: props.error }]}
      />
      <SearchForm
        ctx={ctx}
        action="/admin/people"
        id="people-q"
        label={t['admin.people.search']}
        hint={t['admin.people.searchHint']}
        submit={t['admin.people.searchSubmit']}
        value={props.q}
        error={props.error}
      />
      <p>
        <a href="/admin/people/new">{t['admin.people.add']}</a>
      </p>
      {results === undefined ? null : results.length === 0 ? (
        <p role="status">{t['admin.people.none']}</p>
      ) : (
        <TableScroll label={t['admin.people.results']({ count: results.length })}>
          <table>
            <caption>{t['admin.people.results']({ count: results.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t['admin.people.col.name']}</th>
                <th scope="col">{t['admin.people.col.personnummer']}</th>
                <th scope="col">{t['admin.people.col.status']}</th>
              </tr>
            </thead>
            <tbody>
              {results.map((p) => (
                <tr key={p.personnummer}>
                  <th scope="row">
                    <a href={`/admin/people/${p.personnummer}`}>{p.name}</a>
                  </th>
                  <td>{formatPersonalNumber(p.personnummer)}</td>
                  <td>
                    <StatusText ctx={ctx} active={p.active} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </AdminPage>
  );
}

function PersonFields(props: { ctx: PageContext; prefix: string; form: FormState }) {
  const { ctx, prefix, form } = props;
  const { t } = ctx;
  return (
    <>
      <TextField
        ctx={ctx}
        id={`${prefix}-name`}
        name="name"
        label={t['admin.people.name']}
        value={v(form, 'name')}
        required
        error={form.errors['name']}
      />
      <TextField
        ctx={ctx}
        id={`${prefix}-email`}
        name="email"
        type="email"
        label={t['admin.people.email']}
        value={v(form, 'email')}
        error={form.errors['email']}
      />
      <TextField
        ctx={ctx}
        id={`${prefix}-phone`}
        name="phone"
        type="tel"
        label={t['admin.people.phone']}
        value={v(form, 'phone')}
        error={form.errors['phone']}
      />
    </>
  );
}

function personSummary(ctx: PageContext, prefix: string, form: FormState, withNumber: boolean) {
  const { t } = ctx;
  return [
    ...(withNumber
      ? [
          {
            id: `${prefix}-personnummer`,
            label: t['admin.people.personnummer'],
            error: form.errors['personnummer'],
          },
        ]
      : []),
    { id: `${prefix}-name`, label: t['admin.people.name'], error: form.errors['name'] },
    { id: `${prefix}-email`, label: t['admin.people.email'], error: form.errors['email'] },
    { id: `${prefix}-phone`, label: t['admin.people.phone'], error: form.errors['phone'] },
  ];
}

export function NewPersonPage(props: { ctx: PageContext; form: FormState }) {
  const { ctx, form } = props;
  const { t } = ctx;
  return (
    <AdminPage
      ctx={ctx}
      title={t['admin.people.add']}
      back={{ href: '/admin/people', label: t['admin.nav.people'] }}
    >
      <ErrorSummary ctx={ctx} items={personSummary(ctx, 'new', form, true)} />
      <form method="post" action="/admin/people" noValidate>
        <Csrf ctx={ctx} />
        <TextField
          ctx={ctx}
          id="new-personnummer"
          name="personnummer"
          label={t['admin.people.personnummer']}
          hint={t['admin.people.personnummerHint']}
          value={v(form, 'personnummer')}
          required
          inputMode="numeric"
          error={form.errors['personnummer']}
        />
        <PersonFields ctx={ctx} prefix="new" form={form} />
        <button type="submit" class="button-primary">
          {t['admin.people.create']}
        </button>
      </form>
    </AdminPage>
  );
}

export type PersonDone =
  'added' | 'saved' | 'deactivated' | 'reactivated' | 'membershipAdded' | 'membershipRemoved';

export function PersonPage(props: {
  ctx: PageContext;
  person: Person;
  memberships: readonly MembershipOfPerson[];
  staff: readonly StaffRole[];
  details: FormState;
  membership: FormState;
  done: PersonDone | undefined;
}) {
  const { ctx, person, memberships, details, membership } = props;
  const { t } = ctx;
  const pnr = person.personnummer;
  const base = `/admin/people/${pnr}`;
  return (
    <AdminPage ctx={ctx} title={person.name} back={{ href: '/admin/people', label: t['admin.nav.people'] }}>
      <ErrorSummary
        ctx={ctx}
        items={[
          ...personSummary(ctx, 'person', details, false),
          { id: 'membership-orgnr', label: t['admin.people.orgnr'], error: membership.errors['orgnr'] },
          { id: 'membership-role', label: t['admin.people.role'], error: membership.errors['role'] },
        ]}
      />
      <Done text={props.done ? t[`admin.people.${props.done}`] : undefined} />
      <dl class="facts">
        <dt>{t['admin.people.col.personnummer']}</dt>
        <dd>{formatPersonalNumber(pnr)}</dd>
        <dt>{t['admin.people.status']}</dt>
        <dd>
          <StatusText ctx={ctx} active={person.active} />
        </dd>
      </dl>
      <p>
        <a href={`${base}/registerutdrag`} aria-describedby="person-report-hint">
          {t['admin.report.link']}
        </a>
        <br />
        <span id="person-report-hint">{t['admin.report.linkHint']}</span>
      </p>
      <form method="post" action={`${base}/active`} class="admin-inline">
        <Csrf ctx={ctx} />
        <input type="hidden" name="active" value={person.active ? '0' : '1'} />
        <p id="person-active-hint">{t['admin.people.activeHint']}</p>
        <button type="submit" class="button-secondary" aria-describedby="person-active-hint">
          {person.active ? t['admin.people.deactivate'] : t['admin.people.reactivate']}
        </button>
      </form>

      <section aria-labelledby="person-details" class="admin-card">
        <h2 id="person-details">{t['admin.people.details']}</h2>
        <form method="post" action={base} noValidate>
          <Csrf ctx={ctx} />
          <PersonFields ctx={ctx} prefix="person" form={details} />
          <button type="submit" class="button-primary">
            {t['admin.people.save']}
          </button>
        </form>
      </section>

      <section aria-labelledby="person-memberships" class="admin-card">
        <h2 id="person-memberships">{t['admin.people.memberships']}</h2>
        {memberships.length === 0 ? (
          <p>{t['admin.people.noMemberships']}</p>
        ) : (
          <TableScroll label={t['admin.people.membershipsCaption']}>
            <table>
              <caption>{t['admin.people.membershipsCaption']}</caption>
              <thead>
                <tr>
                  <th scope="col">{t['admin.people.col.org']}</th>
                  <th scope="col">{t['admin.people.col.role']}</th>
                  <th scope="col">{t['admin.people.col.action']}</th>
                </tr>
              </thead>
              <tbody>
                {memberships.map((m) => (
                  <tr key={m.orgnr}>
                    <th scope="row">
                      <a
                        href={`/admin/organisations/${m.orgnr}`}
                      >{`${m.orgName} (${formatOrgnr(m.orgnr)})`}</a>
                      {m.orgActive ? null : ` ${t['admin.people.orgInactive']}`}
                    </th>
                    <td>{t[`admin.role.${m.role}`]}</td>
                    <td>
                      <form
                        method="post"
                        action={`${base}/memberships/${m.orgnr}/remove`}
                        class="admin-inline"
                      >
                        <Csrf ctx={ctx} />
                        <button type="submit" class="button-secondary">
                          {t['admin.people.removeMembership']({ org: m.orgName })}
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <form method="post" action={`${base}/memberships`} aria-labelledby="add-membership" noValidate>
          <h3 id="add-membership">{t['admin.people.addMembership']}</h3>
          <p>{t['admin.people.addMembershipHint']}</p>
          <Csrf ctx={ctx} />
          <TextField
            ctx={ctx}
            id="membership-orgnr"
            name="orgnr"
            label={t['admin.people.orgnr']}
            hint={t['admin.orgs.orgnrHint']}
            value={v(membership, 'orgnr')}
            required
            error={membership.errors['orgnr']}
          />
          <SelectField
            ctx={ctx}
            id="membership-role"
            name="role"
            label={t['admin.people.role']}
            value={v(membership, 'role') || 'user'}
            required
            error={membership.errors['role']}
            options={[
              { value: 'user', label: t['admin.role.user'] },
              { value: 'org_admin', label: t['admin.role.org_admin'] },
            ]}
          />
          <button type="submit" class="button-primary">
            {t['admin.people.addMembershipSubmit']}
          </button>
        </form>
      </section>

      <section aria-labelledby="person-staff" class="admin-card">
        <h2 id="person-staff">{t['admin.people.staff']}</h2>
        {props.staff.length === 0 ? (
          <p>{t['admin.people.noStaff']}</p>
        ) : (
          <ul>
            {props.staff.map((r) => (
              <li key={r}>{t[`admin.staff.${r}`]}</li>
            ))}
          </ul>
        )}
      </section>
    </AdminPage>
  );
}

export function OrganisationsPage(props: {
  ctx: PageContext;
  q: string;
  error: FieldError | undefined;
  organisations: readonly Organisation[];
  add: FormState;
  done: 'added' | undefined;
}) {
  const { ctx, organisations, add } = props;
  const { t } = ctx;
  return (
    <AdminPage ctx={ctx} title={t['admin.orgs.title']}>
      <ErrorSummary
        ctx={ctx}
        items={[
          { id: 'orgs-q', label: t['admin.orgs.search'], error: props.error },
          { id: 'org-orgnr', label: t['admin.orgs.orgnr'], error: add.errors['orgnr'] },
          { id: 'org-name', label: t['admin.orgs.name'], error: add.errors['name'] },
        ]}
      />
      <Done text={props.done ? t['admin.orgs.added'] : undefined} />
      <SearchForm
        ctx={ctx}
        action="/admin/organisations"
        id="orgs-q"
        label={t['admin.orgs.search']}
        hint={t['admin.orgs.searchHint']}
        submit={t['admin.orgs.searchSubmit']}
        value={props.q}
        error={props.error}
      />
      {organisations.length === 0 ? (
        <p role="status">{t['admin.orgs.none']}</p>
      ) : (
        <TableScroll label={t['admin.orgs.caption']({ count: organisations.length })}>
          <table>
            <caption>{t['admin.orgs.caption']({ count: organisations.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t['admin.orgs.col.name']}</th>
                <th scope="col">{t['admin.orgs.col.orgnr']}</th>
                <th scope="col">{t['admin.orgs.col.status']}</th>
              </tr>
            </thead>
            <tbody>
              {organisations.map((o) => (
                <tr key={o.orgnr}>
                  <th scope="row">
                    <a href={`/admin/organisations/${o.orgnr}`}>{o.name}</a>
                  </th>
                  <td>{formatOrgnr(o.orgnr)}</td>
                  <td>
                    <StatusText ctx={ctx} active={o.active} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <section aria-labelledby="org-add" class="admin-card">
        <h2 id="org-add">{t['admin.orgs.add']}</h2>
        <form method="post" action="/admin/organisations" noValidate>
          <Csrf ctx={ctx} />
          <TextField
            ctx={ctx}
            id="org-orgnr"
            name="orgnr"
            label={t['admin.orgs.orgnr']}
            hint={t['admin.orgs.orgnrHint']}
            value={v(add, 'orgnr')}
            required
            error={add.errors['orgnr']}
          />
          <TextField
            ctx={ctx}
            id="org-name"
            name="name"
            label={t['admin.orgs.name']}
            value={v(add, 'name')}
            required
            error={add.errors['name']}
          />
          <button type="submit" class="button-primary">
            {t['admin.orgs.create']}
          </button>
        </form>
      </section>
    </AdminPage>
  );
}

export type OrganisationDone = 'renamed' | 'deactivated' | 'reactivated' | 'added';

export function OrganisationPage(props: {
  ctx: PageContext;
  organisation: Organisation;
  members: readonly Member[];
  rename: FormState;
  done: OrganisationDone | undefined;
}) {
  const { ctx, organisation: org, members, rename } = props;
  const { t } = ctx;
  const base = `/admin/organisations/${org.orgnr}`;
  return (
    <AdminPage
      ctx={ctx}
      title={org.name}
      back={{ href: '/admin/organisations', label: t['admin.nav.organisations'] }}
    >
      <ErrorSummary
        ctx={ctx}
        items={[{ id: 'rename-name', label: t['admin.orgs.name'], error: rename.errors['name'] }]}
      />
      <Done text={props.done ? t[`admin.orgs.${props.done}`] : undefined} />
      <dl class="facts">
        <dt>{t['admin.orgs.col.orgnr']}</dt>
        <dd>{formatOrgnr(org.orgnr)}</dd>
        <dt>{t['admin.orgs.status']}</dt>
        <dd>
          <StatusText ctx={ctx} active={org.active} />
        </dd>
      </dl>
      <form method="post" action={`${base}/active`} class="admin-inline">
        <Csrf ctx={ctx} />
        <input type="hidden" name="active" value={org.active ? '0' : '1'} />
        <p id="org-active-hint">{t['admin.orgs.activeHint']}</p>
        <button type="submit" class="button-secondary" aria-describedby="org-active-hint">
          {org.active ? t['admin.orgs.deactivate'] : t['admin.orgs.reactivate']}
        </button>
      </form>
      <section aria-labelledby="org-rename" class="admin-card">
        <h2 id="org-rename">{t['admin.orgs.rename']}</h2>
        <form method="post" action={base} noValidate>
          <Csrf ctx={ctx} />
          <TextField
            ctx={ctx}
            id="rename-name"
            name="name"
            label={t['admin.orgs.name']}
            value={rename.values['name'] ?? org.name}
            required
            error={rename.errors['name']}
          />
          <button type="submit" class="button-primary">
            {t['admin.orgs.renameSubmit']}
          </button>
        </form>
      </section>
      <section aria-labelledby="org-members" class="admin-card">
        <h2 id="org-members">{t['admin.orgs.members']}</h2>
        {members.length === 0 ? (
          <p>{t['admin.orgs.noMembers']}</p>
        ) : (
          <TableScroll label={t['admin.orgs.membersCaption']}>
            <table>
              <caption>{t['admin.orgs.membersCaption']}</caption>
              <thead>
                <tr>
                  <th scope="col">{t['admin.people.col.name']}</th>
                  <th scope="col">{t['admin.people.col.personnummer']}</th>
                  <th scope="col">{t['admin.people.col.role']}</th>
                  <th scope="col">{t['admin.people.col.status']}</th>
                </tr>
              </thead>
              <tbody>
                {members.map((m) => (
                  <tr key={m.personnummer}>
                    <th scope="row">
                      <a href={`/admin/people/${m.personnummer}`}>{m.name}</a>
                    </th>
                    <td>{formatPersonalNumber(m.personnummer)}</td>
                    <td>{t[`admin.role.${m.role}`]}</td>
                    <td>
                      <StatusText ctx={ctx} active={m.active} />
                    </td>
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
