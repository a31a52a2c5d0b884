/**
 * "Skapa nytt ärende": the case types to choose from, none chosen in advance (the first is no
 * choice the person made), with the reason when none was chosen; and an earlier case of the
 * organisation to copy into a new draft.
 */
import { Layout, type PageContext } from '../../web/layout.js';
import type { CaseTypeDef } from '../types.js';
import { ErrorSummary } from './fields.js';

export function NewCasePage(props: {
  ctx: PageContext;
  types: readonly CaseTypeDef[];
  /** Earlier cases to copy: id and "number – title". */
  earlier: readonly { id: string; label: string }[];
  missing: boolean;
}) {
  const { ctx } = props;
  const { t, lang } = ctx;
  const first = props.types[0]?.id ?? '';
  return (
    <Layout ctx={ctx} title={t['cases.newTitle']}>
      <h1>{t['cases.newTitle']}</h1>
      {props.missing ? (
        <ErrorSummary
          t={t}
          title={t['cases.errorSummary']}
          items={[{ href: `#type-${first}`, text: t['cases.typeMissing'] }]}
        />
      ) : null}
      <p class="lead">{t['cases.newLead']}</p>
      <form method="post" action="/cases">
        <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
        <fieldset
          class={props.missing ? 'field-invalid' : undefined}
          aria-describedby={props.missing ? 'type-error' : undefined}
        >
          <legend>{t['cases.typeLegend']}</legend>
          {props.missing ? (
            <p class="field-error" id="type-error">
              {t['cases.typeMissing']}
            </p>
          ) : null}
          {props.types.map((type) => (
            <div class="radio-card" key={type.id}>
              <input
                type="radio"
                name="type"
                id={`type-${type.id}`}
                value={type.id}
                aria-describedby={`type-${type.id}-desc`}
              />
              <label for={`type-${type.id}`}>{type.name[lang]}</label>
              <p class="hint" id={`type-${type.id}-desc`}>
                {type.description[lang]}
              </p>
            </div>
          ))}
        </fieldset>
        <button type="submit" class="button-primary">
          {t['cases.create']}
        </button>
      </form>
      <section aria-labelledby="copy-h">
        <h2 id="copy-h">{t['cases.copyHeading']}</h2>
        {props.earlier.length === 0 ? (
          <p>{t['cases.noCopies']}</p>
        ) : (
          <form method="post" action="/cases">
            <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
            <p id="copy-hint">{t['cases.copyLead']}</p>
            <div class="field">
              <label for="copy">{t['cases.copyField']}</label>
              <select id="copy" name="copy" aria-describedby="copy-hint">
                {props.earlier.map((c) => (
                  <option value={c.id} key={c.id}>
                    {c.label}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" class="button-secondary">
              {t['cases.copy']}
            </button>
          </form>
        )}
      </section>
    </Layout>
  );
}
