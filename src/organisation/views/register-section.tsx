/**
 * A section of the register page (views/register-page.tsx), the same for contacts and for
 * products; its form fields carry the register's prefix (`contact-name`, `product-…`).
 */
import type { ComponentChildren } from 'preact';
import type { Lang, Messages } from '../../platform/i18n/index.js';
import { TableScroll } from '../../web/table-scroll.js';
import { ScalarInput } from '../../cases/views/fields.js';
import type { ScalarField } from '../../cases/types.js';

/** One register (contacts or products): its table with a remove button per row, and the form that adds one. */
export function RegisterSection(props: {
  kind: 'contact' | 'product';
  heading: string;
  columns: readonly string[];
  rows: readonly { id: string; name: string; cells: readonly ComponentChildren[] }[];
  fields: readonly ScalarField[];
  addLabel: string;
  valueOf: (id: string) => string;
  errors: ReadonlyMap<string, string>;
  csrf: string;
  lang: Lang;
  t: Messages;
}) {
  const { kind, t } = props;
  const headingId = `${kind}s-h`;
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{props.heading}</h2>
      {props.rows.length === 0 ? (
        <p>{t['register.empty']}</p>
      ) : (
        <TableScroll labelledBy={headingId}>
          <table aria-labelledby={headingId}>
            <thead>
              <tr>
                {props.columns.map((c) => (
                  <th scope="col" key={c}>
                    {c}
                  </th>
                ))}
                <th scope="col">
                  <span class="visually-hidden">{t['cases.col.action']}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => (
                <tr key={row.id}>
                  {row.cells.map((cell, i) => (
                    <td key={i}>{cell}</td>
                  ))}
                  <td>
                    <form method="post" action={`/register/${kind}/${row.id}/delete`} class="inline-form">
                      <input type="hidden" name="_csrf" value={props.csrf} />
                      <button type="submit" class="button-secondary">
                        {t['register.delete']({ name: row.name })}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <form method="post" action={`/register/${kind}s`} novalidate>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <fieldset>
          <legend>{props.addLabel}</legend>
          {props.fields.map((f) => (
            <ScalarInput
              key={f.id}
              field={{ ...f, id: `${kind}-${f.id}` }}
              path={`${kind}-${f.id}`}
              value={props.valueOf(f.id)}
              error={props.errors.get(`${kind}-${f.id}`)}
              lang={props.lang}
              t={t}
            />
          ))}
          <button type="submit" class="button-secondary">
            {props.addLabel}
          </button>
        </fieldset>
      </form>
    </section>
  );
}
