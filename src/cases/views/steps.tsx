/**
 * The step navigation of a draft and the texts of field errors: the list of steps (the
 * case type's, then attachments, then review), the error of a field path in the user's
 * language and the label an error summary shows for it ("Product 2 – Quantity").
 */
import type { Lang, Messages } from '../../platform/i18n/index.js';
import type { CaseRow, FieldError } from '../service.js';
import {
  ATTACHMENTS_STEP,
  fieldSpec,
  type CaseTypeDef,
  type GroupField,
  type ScalarField,
  type StepDef,
} from '../types.js';
import { problemText } from './fields.js';

export const stepUrl = (row: Pick<CaseRow, 'id'>, step: string) => `/cases/${row.id}/steps/${step}`;

export function stepList(type: CaseTypeDef, lang: Lang, t: Messages) {
  return [
    ...type.steps.map((s) => ({ id: s.id, title: s.title[lang] })),
    { id: ATTACHMENTS_STEP, title: t['cases.attachmentsTitle'] },
  ];
}

/** The id of the form on a page whose step links save it first (see StepNav's `form`). */
export const STEP_FORM = 'step-form';

/**
 * The steps of a draft, then review. On a page with a form (`form`, its id), the other steps
 * are buttons of that form that save what was typed and then go there (`goto:<step>`), so
 * leaving a step by its navigation never loses input; elsewhere they are plain links.
 */
export function StepNav(props: { row: CaseRow; type: CaseTypeDef; current: string; lang: Lang; t: Messages; form?: string }) {
  const steps = [...stepList(props.type, props.lang, props.t), { id: 'review', title: props.t['cases.reviewTitle'] }];
  const href = (id: string) => (id === 'review' ? `/cases/${props.row.id}/review` : stepUrl(props.row, id));
  return (
    <nav aria-label={props.t['cases.stepNav']} class="step-nav">
      <ol>
        {steps.map((s) => (
          <li key={s.id}>
            {props.form && s.id !== props.current ? (
              <button type="submit" form={props.form} name="_action" value={`goto:${s.id}`} class="link-button">
                {s.title}
              </button>
            ) : (
              <a href={href(s.id)} aria-current={s.id === props.current ? 'step' : undefined}>
                {s.title}
              </a>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

export function errorMap(
  type: CaseTypeDef,
  step: StepDef | undefined,
  errors: readonly FieldError[],
  lang: Lang,
  t: Messages,
): Map<string, string> {
  const map = new Map<string, string>();
  for (const e of errors) map.set(e.path, fieldErrorText(type, step, e, lang, t));
  return map;
}

/** The label of a field path for error summaries: "Product 2 – Quantity". */
export function pathLabel(type: CaseTypeDef, path: string, lang: Lang): string {
  const [first = '', index, sub] = path.split('.');
  for (const step of type.steps) {
    for (const f of step.fields) {
      if (f.id !== first) continue;
      if (f.type === 'group') {
        if (index === undefined || sub === undefined) return f.label[lang];
        const g = f.fields.find((x) => x.id === sub);
        return `${f.itemLabel[lang]} ${Number(index) + 1} – ${g?.label[lang] ?? sub}`;
      }
      return f.label[lang];
    }
  }
  return path;
}

export function fieldErrorText(
  type: CaseTypeDef,
  step: StepDef | undefined,
  error: FieldError,
  lang: Lang,
  t: Messages,
): string {
  const [first = '', , sub] = error.path.split('.');
  let group: GroupField | undefined;
  let field: ScalarField | undefined;
  for (const s of step ? [step] : type.steps) {
    for (const f of s.fields) {
      if (f.id !== first) continue;
      if (f.type === 'group') {
        group = f;
        field = sub ? f.fields.find((g) => g.id === sub) : undefined;
      } else field = f;
    }
  }
  if (error.problem === 'group_min') return t['cases.group_min']({ min: group?.min ?? 1 });
  if (error.problem === 'group_max') return t['cases.group_max']({ max: group?.max ?? 1 });
  return problemText(t, field ? fieldSpec(field) : { type: 'text', required: true }, error.problem, lang);
}
