/**
 * The values of a case checked against its type: one step's form body read and checked
 * field by field (`parseStep`), every problem of a stored case for the review
 * (`validateAll`), and a stored value turned back into the form fields a step posts
 * (`flattenInto`). Pure: no database.
 */
import { parseFieldValue } from './formats.js';
import type { AttachmentInfo, CaseRow, FieldError } from './model.js';
import { fieldSpec, type CaseData, type CaseTypeDef, type FieldDef, type StepDef } from './types.js';

/**
 * Reads one step's values from a form body (strings by name; group rows as
 * "group.index.field"), checks each, and returns the new data or the errors. Missing
 * required values are errors only when `complete` is asked for (moving on, review);
 * a draft may be incomplete but never malformed.
 */
export function parseStep(
  type: CaseTypeDef,
  step: StepDef,
  current: CaseData,
  body: Record<string, unknown>,
  lang: 'sv' | 'en',
  complete: boolean,
) {
  const data: CaseData = { ...current };
  const errors: FieldError[] = [];
  const str = (name: string): string | undefined => {
    const v = body[name];
    return typeof v === 'string' ? v : undefined;
  };
  for (const f of step.fields) {
    if (f.type === 'group') {
      const rows: Record<string, string>[] = [];
      const count = Math.min(Number(str(`${f.id}.count`) ?? '0') || 0, f.max + 1);
      for (let i = 0; i < count; i++) {
        const row: Record<string, string> = {};
        for (const g of f.fields) {
          const result = parseFieldValue(
            { ...fieldSpec(g), required: g.required && complete },
            str(`${f.id}.${i}.${g.id}`),
            lang,
          );
          if (result.ok) row[g.id] = result.value;
          else {
            row[g.id] = str(`${f.id}.${i}.${g.id}`) ?? '';
            errors.push({
              step: step.id,
              path: `${f.id}.${rows.length}.${g.id}`,
              problem: result.problem,
            });
          }
        }
        rows.push(row);
      }
      if (rows.length > f.max) errors.push({ step: step.id, path: f.id, problem: 'group_max' });
      if (complete && rows.length < f.min)
        errors.push({ step: step.id, path: f.id, problem: 'group_min' });
      data[f.id] = rows;
    } else {
      const raw = str(f.id);
      const result = parseFieldValue({ ...fieldSpec(f), required: f.required && complete }, raw, lang);
      if (result.ok) data[f.id] = result.value;
      else {
        data[f.id] = raw ?? '';
        errors.push({ step: step.id, path: f.id, problem: result.problem });
      }
    }
  }
  return { data, errors };
}

/** Every problem of a case as it is stored, for the review (all steps, required enforced). */
export function validateAll(
  type: CaseTypeDef,
  row: CaseRow,
  attachments: readonly AttachmentInfo[],
  lang: 'sv' | 'en',
): FieldError[] {
  const errors: FieldError[] = [];
  for (const step of type.steps) {
    const body: Record<string, string> = {};
    for (const f of step.fields) flattenInto(body, f, row.data[f.id]);
    errors.push(...parseStep(type, step, row.data, body, lang, true).errors);
  }
  if (type.attachments.required && !attachments.some((a) => a.messageId === null)) {
    errors.push({ step: 'attachments', path: 'attachments', problem: 'required' });
  }
  return errors;
}

/** A stored value as the form fields a step posts (for re-validation and re-rendering). */
export function flattenInto(
  body: Record<string, string>,
  field: FieldDef,
  value: CaseData[string] | undefined,
): void {
  if (field.type === 'group') {
    const rows = Array.isArray(value) ? value : [];
    body[`${field.id}.count`] = String(rows.length);
    rows.forEach((r, i) => {
      for (const g of field.fields) body[`${field.id}.${i}.${g.id}`] = r[g.id] ?? '';
    });
  } else {
    body[field.id] = typeof value === 'string' ? value : '';
  }
}
