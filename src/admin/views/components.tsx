/**
 * The parts every admin page and form shares: the page frame with the way back, and form
 * fields whose label, "required" text, hint and error are tied to the input
 * (`for`/`id`, `aria-describedby`, `aria-invalid`), and the error summary at the top that
 * links each problem to its field (WCAG 1.3.1, 3.3.1, 3.3.2).
 */
import type { ComponentChildren } from 'preact';
import { format, type Messages } from '../../platform/i18n/index.js';
import { Layout, Notice, type PageContext } from '../../web/layout.js';
import type { FieldError } from '../validate.js';

export function errorText(t: Messages, error: FieldError): string {
  return format(t, error.key, { ...error.params });
}

/** An admin page: the layout, a link back to the admin index, the heading. */
export function AdminPage(props: {
  ctx: PageContext;
  title: string;
  back?: { href: string; label: string };
  children: ComponentChildren;
}) {
  const { ctx, title } = props;
  const back = props.back ?? { href: '/admin', label: ctx.t['admin.back'] };
  return (
    <Layout ctx={ctx} title={title}>
      <p class="admin-back">
        <a href={back.href}>{back.label}</a>
      </p>
      <h1>{title}</h1>
      {props.children}
    </Layout>
  );
}

/** A success message after a change (the page the change redirected to). */
export function Done(props: { text: string | undefined }) {
  return props.text ? (
    <Notice kind="success">
      <p>{props.text}</p>
    </Notice>
  ) : null;
}

export function Csrf({ ctx }: { ctx: PageContext }) {
  return <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />;
}

export interface SummaryItem {
  /** The id of the field the link leads to. */
  id: string;
  label: string;
  error: FieldError | undefined;
}

/** The problems of a refused form, each a link to its field; nothing when there are none. */
/** `saves`: false on a form that only shows something (a search, a preview): nothing is ever saved there. */
export function ErrorSummary(props: { ctx: PageContext; items: readonly SummaryItem[]; saves?: boolean }) {
  const { t } = props.ctx;
  const items = props.items.filter((i) => i.error !== undefined);
  if (items.length === 0) return null;
  return (
    <div
      class="error-summary"
      role="alert"
      aria-labelledby="error-summary-title"
      tabIndex={-1}
      id="error-summary"
    >
      <h2 id="error-summary-title">{t['admin.form.errorSummary']}</h2>
      <p>{props.saves === false ? t['admin.form.fixAndTryAgain'] : t['admin.form.nothingSaved']}</p>
      <ul>
        {items.map((i) => (
          <li key={i.id}>
            <a href={`#${i.id}`}>{`${i.label}: ${i.error ? errorText(t, i.error) : ''}`}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

interface FieldProps {
  ctx: PageContext;
  id: string;
  name: string;
  label: string;
  value: string;
  required?: boolean;
  hint?: string | undefined;
  error?: FieldError | undefined;
  /** Language of the field's content when it differs from the page (a Swedish notice on the English page). */
  lang?: string | undefined;
}

function Label(props: { ctx: PageContext; id: string; label: string; required: boolean | undefined }) {
  return (
    <label for={props.id}>
      {props.label}
      {props.required ? <span class="required">{` ${props.ctx.t['admin.form.required']}`}</span> : null}
    </label>
  );
}

/** The hint and error below a label; returns them with the ids the input refers to. */
function described(props: FieldProps): { nodes: ComponentChildren; describedBy: string | undefined } {
  const ids: string[] = [];
  const hint = props.hint ? (
    <p class="field-hint" id={`${props.id}-hint`}>
      {props.hint}
    </p>
  ) : null;
  if (props.hint) ids.push(`${props.id}-hint`);
  const error = props.error ? (
    <p class="field-error" id={`${props.id}-error`}>
      <span class="visually-hidden">{`${props.ctx.t['admin.form.errorPrefix']} `}</span>
      {errorText(props.ctx.t, props.error)}
    </p>
  ) : null;
  if (props.error) ids.push(`${props.id}-error`);
  return {
    nodes: (
      <>
        {hint}
        {error}
      </>
    ),
    describedBy: ids.length > 0 ? ids.join(' ') : undefined,
  };
}

export function TextField(
  props: FieldProps & {
    type?: 'text' | 'email' | 'tel' | 'date';
    autocomplete?: string;
    inputMode?: 'numeric' | 'text';
  },
) {
  const { nodes, describedBy } = described(props);
  return (
    <div class={props.error ? 'field field-invalid' : 'field'}>
      <Label ctx={props.ctx} id={props.id} label={props.label} required={props.required} />
      {nodes}
      <input
        type={props.type ?? 'text'}
        id={props.id}
        name={props.name}
        value={props.value}
        autoComplete={props.autocomplete ?? 'off'}
        inputMode={props.inputMode}
        lang={props.lang}
        aria-required={props.required ? 'true' : undefined}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy}
      />
    </div>
  );
}

export function TextArea(props: FieldProps & { rows?: number }) {
  const { nodes, describedBy } = described(props);
  return (
    <div class={props.error ? 'field field-invalid' : 'field'}>
      <Label ctx={props.ctx} id={props.id} label={props.label} required={props.required} />
      {nodes}
      <textarea
        id={props.id}
        name={props.name}
        rows={props.rows ?? 4}
        lang={props.lang}
        aria-required={props.required ? 'true' : undefined}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy}
      >
        {props.value}
      </textarea>
    </div>
  );
}

export function SelectField(props: FieldProps & { options: readonly { value: string; label: string }[] }) {
  const { nodes, describedBy } = described(props);
  return (
    <div class={props.error ? 'field field-invalid' : 'field'}>
      <Label ctx={props.ctx} id={props.id} label={props.label} required={props.required} />
      {nodes}
      <select
        id={props.id}
        name={props.name}
        aria-required={props.required ? 'true' : undefined}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
