import type { AuditEvent } from '../../audit/service.js';
import { formatPersonalNumber, isCanonicalPersonalNumber } from '../../identity/personnummer.js';
import { formatDateTime } from '../../platform/dates.js';
import { escapeControlChars } from '../../platform/control-chars.js';
import type { PageContext } from '../../web/layout.js';
import { ShownText } from '../../web/shown-text.js';
import type { AuditFormValues } from '../audit-search.js';
import type { FieldErrors } from '../validate.js';
import { AdminPage, ErrorSummary, SelectField, TextField } from './components.js';
import { TableScroll } from '../../web/table-scroll.js';

/** The search as a query string (without the page), for the CSV link and the page links. */
export function auditQueryString(values: AuditFormValues, page?: number): string {
  const params = new URLSearchParams();
  for (const key of ['person', 'event', 'from', 'to'] as const)
    if (values[key] !== '') params.set(key, values[key]);
  if (page !== undefined && page > 1) params.set('page', String(page));
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

export function AuditPage(props: {
  ctx: PageContext;
  values: AuditFormValues;
  errors: FieldErrors;
  eventNames: readonly string[];
  /** `more`: more than `total` events match (the count stops there). */
  result: { events: readonly AuditEvent[]; total: number; more?: boolean; page: number; pages: number } | undefined;
}) {
  const { ctx, values, errors, result } = props;
  const { t, lang, site } = ctx;
  const caption = result
    ? result.more
      ? t['admin.audit.captionMore']({ total: result.total, page: result.page, pages: result.pages })
      : t['admin.audit.caption']({ total: result.total, page: result.page, pages: result.pages })
    : '';
  const who = (value: string | null) =>
    value && isCanonicalPersonalNumber(value) ? formatPersonalNumber(value) : (value ?? '');
  const events =
    props.eventNames.includes(values.event) || values.event === ''
      ? props.eventNames
      : [...props.eventNames, values.event];
  return (
    <AdminPage ctx={ctx} title={t['admin.audit.title']}>
      <ErrorSummary
        saves={false}
        ctx={ctx}
        items={[
          { id: 'audit-person', label: t['admin.audit.person'], error: errors['person'] },
          { id: 'audit-event', label: t['admin.audit.event'], error: errors['event'] },
          { id: 'audit-from', label: t['admin.audit.from'], error: errors['from'] },
          { id: 'audit-to', label: t['admin.audit.to'], error: errors['to'] },
        ]}
      />
      <form method="get" action="/admin/audit" role="search" aria-labelledby="audit-filter" noValidate>
        <h2 id="audit-filter">{t['admin.audit.filter']}</h2>
        <TextField
          ctx={ctx}
          id="audit-person"
          name="person"
          label={t['admin.audit.person']}
          hint={t['admin.audit.personHint']}
          value={values.person}
          inputMode="numeric"
          error={errors['person']}
        />
        <SelectField
          ctx={ctx}
          id="audit-event"
          name="event"
          label={t['admin.audit.event']}
          value={values.event}
          error={errors['event']}
          options={[
            { value: '', label: t['admin.audit.allEvents'] },
            ...events.map((e) => ({ value: e, label: escapeControlChars(e) })),
          ]}
        />
        <TextField
          ctx={ctx}
          id="audit-from"
          name="from"
          type="text"
          label={t['admin.audit.from']}
          hint={t['admin.audit.dateHint']}
          value={values.from}
          error={errors['from']}
        />
        <TextField
          ctx={ctx}
          id="audit-to"
          name="to"
          type="text"
          label={t['admin.audit.to']}
          hint={t['admin.audit.dateHint']}
          value={values.to}
          error={errors['to']}
        />
        <button type="submit" class="button-primary">
          {t['admin.audit.submit']}
        </button>
      </form>
      {result ? (
        <>
          <p>
            <a href={`/admin/audit.csv${auditQueryString(values)}`} download>
              {t['admin.audit.csv']}
            </a>
          </p>
          {result.more ? <p>{t['admin.audit.narrow']}</p> : null}
          {result.total === 0 ? (
            <p role="status">{t['admin.audit.none']}</p>
          ) : (
            <TableScroll label={caption}>
              <table class="audit-table">
                <caption>
                  {caption}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t['admin.audit.col.at']}</th>
                    <th scope="col">{t['admin.audit.col.event']}</th>
                    <th scope="col">{t['admin.audit.col.outcome']}</th>
                    <th scope="col">{t['admin.audit.col.actor']}</th>
                    <th scope="col">{t['admin.audit.col.subject']}</th>
                    <th scope="col">{t['admin.audit.col.ip']}</th>
                    <th scope="col">{t['admin.audit.col.details']}</th>
                  </tr>
                </thead>
                <tbody>
                  {result.events.map((e) => (
                    <tr key={e.id} data-event={escapeControlChars(e.event)}>
                      <td>
                        <time dateTime={e.at}>{formatDateTime(lang, new Date(e.at), site.timeZone)}</time>
                      </td>
                      {/* Actor, subject, address and details may hold text from outside (a name, a certificate's issuer): control and bidi characters shown escaped. */}
                      <th scope="row">
                        <ShownText text={e.event} />
                      </th>
                      <td>{t[`admin.audit.outcome.${e.outcome}`]}</td>
                      <td>
                        <ShownText text={who(e.actor)} />
                      </td>
                      <td>
                        <ShownText text={who(e.subject)} />
                      </td>
                      <td>
                        <ShownText text={e.ip ?? ''} />
                      </td>
                      <td>
                        {e.details ? (
                          <code>
                            <ShownText text={JSON.stringify(e.details)} />
                          </code>
                        ) : (
                          ''
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
          {result.pages > 1 ? (
            <nav aria-label={t['admin.audit.pages']}>
              <ul class="pager">
                {result.page > 1 ? (
                  <li>
                    <a href={`/admin/audit${auditQueryString(values, result.page - 1)}`} rel="prev">
                      {t['admin.audit.previous']}
                    </a>
                  </li>
                ) : null}
                {result.page < result.pages ? (
                  <li>
                    <a href={`/admin/audit${auditQueryString(values, result.page + 1)}`} rel="next">
                      {t['admin.audit.next']}
                    </a>
                  </li>
                ) : null}
              </ul>
            </nav>
          ) : null}
        </>
      ) : null}
    </AdminPage>
  );
}
