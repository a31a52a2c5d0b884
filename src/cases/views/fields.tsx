/**
 * Form fields of case steps: a label tied to each control, "(required)" in text, the hint
 * and the error linked with aria-describedby, aria-invalid on errors, and an error summary
 * whose links move focus to the field (WCAG 3.3.1, 3.3.2, 1.3.1).
 */
import type { ComponentChildren } from 'preact';
import type { Lang, Messages } from '../../platform/i18n/index.js';
import { countryOptions, currencyOptions, mlCategories, problemMessageParams, type FieldProblem, type FieldSpec } from '../formats.js';
import type { FieldDef, GroupField, ScalarField } from '../types.js';

/** The id of a form control for a field path ("products.0.description" → "f-products-0-description"). */
export function controlId(path: string): string {
  return `f-${path.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
}

/** The user's message for a problem with a value, with the limits of the field's spec. */
export function problemText(t: Messages, spec: FieldSpec, problem: FieldProblem, lang: Lang): string {
  // The key is checked against the catalog; each problem's text takes the limits its own
  // problem has, which problemMessageParams gives for exactly that problem.
  const entry = t[`field.error.${problem}`] as string | ((p: ReturnType<typeof problemMessageParams>) => string);
  return typeof entry === 'function' ? entry(problemMessageParams(spec, problem, lang)) : entry;
}

export function ErrorSummary(props: { t: Messages; title: string; items: { href: string; text: string }[]; children?: ComponentChildren }) {
  if (props.items.length === 0) return null;
  return (
    // Focused on load so that keyboard and screen-reader users start at the list of problems.
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabIndex={-1} autofocus>
      <h2 id="error-summary-title">{props.title}</h2>
      {props.children}
      <ul>
        {props.items.map((i) => (
          <li key={i.href}>
            <a href={i.href}>{i.text}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

interface FieldProps {
  field: ScalarField;
  /** Form name and error path: "field" or "group.row.field". */
  path: string;
  value: string;
  error: string | undefined;
  lang: Lang;
  t: Messages;
}

export function ScalarInput(props: FieldProps) {
  const { field, path, value, error, lang, t } = props;
  const id = controlId(path);
  const hintId = field.hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const label = (
    <>
      {field.label[lang]}
      {field.required ? <span class="required">{` ${t['cases.required']}`}</span> : null}
    </>
  );
  const common = {
    id,
    name: path,
    'aria-describedby': describedBy,
    'aria-invalid': error ? ('true' as const) : undefined,
    // Not the HTML required attribute: drafts may be saved incomplete; the server says what is missing.
    'aria-required': field.required ? ('true' as const) : undefined,
  };
  const hint = field.hint ? (
    <p class="hint" id={hintId}>
      {field.hint[lang]}
    </p>
  ) : null;
  const err = error ? (
    <p class="field-error" id={errorId}>
      {error}
    </p>
  ) : null;

  if (field.type === 'yes_no') {
    return (
      <fieldset class={`field${error ? ' field-invalid' : ''}`} id={id} aria-describedby={describedBy} tabIndex={-1}>
        <legend>{label}</legend>
        {hint}
        {err}
        <div class="radios">
          {(['yes', 'no'] as const).map((v) => (
            <label key={v}>
              <input type="radio" name={path} value={v} checked={value === v} />
              {` ${v === 'yes' ? t['cases.yes'] : t['cases.no']}`}
            </label>
          ))}
        </div>
      </fieldset>
    );
  }

  let control;
  const options = selectOptions(field, lang);
  if (options) {
    control = (
      <select {...common}>
        <option value="">{t['cases.choose']}</option>
        {options.map((o) => (
          <option value={o.value} selected={o.value === value} key={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (field.type === 'textarea') {
    control = <textarea {...common} rows={5} maxLength={(field.maxLength ?? 5000) + 200}>{value}</textarea>;
  } else {
    const extra = INPUT_ATTRS[field.type] ?? {};
    control = <input {...common} {...extra} value={value} />;
  }
  return (
    <div class={`field${error ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      {hint}
      {err}
      {control}
    </div>
  );
}

const INPUT_ATTRS: Partial<Record<ScalarField['type'], Record<string, string>>> = {
  text: { type: 'text' },
  email: { type: 'text', inputMode: 'email', autoComplete: 'email', spellcheck: 'false' },
  phone: { type: 'text', inputMode: 'tel', autoComplete: 'tel' },
  orgnr: { type: 'text', inputMode: 'numeric', class: 'input-short' },
  // Text, not the browser's date control: that shows its own format (08/01/2027), not the
  // ÅÅÅÅ-MM-DD the hint asks for and the portal accepts everywhere.
  date: { type: 'text', class: 'input-short', spellcheck: 'false', autoComplete: 'off' },
  integer: { type: 'text', inputMode: 'numeric', class: 'input-short' },
  amount: { type: 'text', inputMode: 'decimal', class: 'input-short' },
  annex1_entry: { type: 'text', class: 'input-short', spellcheck: 'false' },
};

function selectOptions(field: ScalarField, lang: Lang): { value: string; label: string }[] | undefined {
  switch (field.type) {
    case 'select':
      return (field.options ?? []).map((o) => ({ value: o.value, label: o.label[lang] }));
    case 'country':
      return countryOptions(lang).map((c) => ({ value: c.code, label: c.name }));
    case 'currency':
      return currencyOptions(lang).map((c) => ({ value: c.code, label: `${c.code} – ${c.name}` }));
    case 'ml_category':
      return mlCategories(lang).map((c) => ({ value: c.code, label: `${c.code} – ${c.name}` }));
    default:
      return undefined;
  }
}

/** A repeating group: one fieldset per row, with add and remove buttons (no script needed). */
export function GroupInput(props: {
  field: GroupField;
  rows: Record<string, string>[];
  errors: ReadonlyMap<string, string>;
  lang: Lang;
  t: Messages;
}) {
  const { field, rows, errors, lang, t } = props;
  const item = field.itemLabel[lang];
  const groupError = errors.get(field.id);
  const id = controlId(field.id);
  return (
    <fieldset class="group" id={id} tabIndex={-1} aria-describedby={groupError ? `${id}-error` : undefined}>
      <legend>
        {field.label[lang]}
        {field.min > 0 ? <span class="required">{` ${t['cases.required']}`}</span> : null}
      </legend>
      {groupError ? (
        <p class="field-error" id={`${id}-error`}>
          {groupError}
        </p>
      ) : null}
      <input type="hidden" name={`${field.id}.count`} value={String(rows.length)} />
      {rows.length === 0 ? <p>{t['cases.noRows']}</p> : null}
      {rows.map((row, i) => (
        <fieldset class="group-row" key={i}>
          <legend>{t['cases.rowLegend']({ item, n: i + 1 })}</legend>
          {field.fields.map((g) => {
            const path = `${field.id}.${i}.${g.id}`;
            return <ScalarInput key={path} field={g} path={path} value={row[g.id] ?? ''} error={errors.get(path)} lang={lang} t={t} />;
          })}
          <button type="submit" name="_action" value={`remove:${field.id}:${i}`} class="button-secondary">
            {t['cases.removeRow']({ item, n: i + 1 })}
          </button>
        </fieldset>
      ))}
      {rows.length < field.max ? (
        <button type="submit" name="_action" value={`add:${field.id}`} class="button-secondary">
          {t['cases.addRow']({ item })}
        </button>
      ) : null}
    </fieldset>
  );
}

export function FieldInput(props: { field: FieldDef; value: string | Record<string, string>[] | undefined; errors: ReadonlyMap<string, string>; lang: Lang; t: Messages }) {
  const { field, value, errors, lang, t } = props;
  if (field.type === 'group') return <GroupInput field={field} rows={Array.isArray(value) ? value : []} errors={errors} lang={lang} t={t} />;
  return <ScalarInput field={field} path={field.id} value={typeof value === 'string' ? value : ''} error={errors.get(field.id)} lang={lang} t={t} />;
}
