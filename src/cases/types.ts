/**
 * Case types as data (config/case-types.json): each type is a sequence of steps of fields,
 * plus an attachments step. The file is validated once at start; a wrong file stops the
 * portal with every problem listed, so the agency can change forms without code changes
 * and without surprises. A type's definition digest goes into every signed case, so a
 * signature always says which version of the form was filled in.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/config.js';
import type { Localised } from '../platform/site.js';
import { canonicalJson, sha256Hex, type CanonicalValue } from '../signing/canonical.js';
import type { FieldSpec, FieldType } from './formats.js';

const SCALAR_TYPES: readonly FieldType[] = [
  'text',
  'textarea',
  'email',
  'phone',
  'orgnr',
  'date',
  'integer',
  'amount',
  'currency',
  'country',
  'ml_category',
  'annex1_entry',
  'yes_no',
  'select',
];

export interface ScalarField {
  readonly id: string;
  readonly type: FieldType;
  readonly label: Localised;
  readonly hint: Localised | undefined;
  readonly required: boolean;
  readonly maxLength: number | undefined;
  readonly min: number | undefined;
  readonly max: number | undefined;
  readonly options: readonly { readonly value: string; readonly label: Localised }[] | undefined;
}

export interface GroupField {
  readonly id: string;
  readonly type: 'group';
  readonly label: Localised;
  readonly itemLabel: Localised;
  readonly min: number;
  readonly max: number;
  readonly fields: readonly ScalarField[];
}

export type FieldDef = ScalarField | GroupField;

export interface StepDef {
  readonly id: string;
  readonly title: Localised;
  readonly intro: Localised | undefined;
  /** 'contacts': the step offers the organisation's saved contacts to fill in parties. */
  readonly register: 'contacts' | undefined;
  readonly fields: readonly FieldDef[];
}

export interface CaseTypeDef {
  readonly id: string;
  readonly kind: 'case' | 'message';
  readonly name: Localised;
  readonly description: Localised;
  /** The field whose value names the case in lists (with the type's name). */
  readonly titleField: string | undefined;
  readonly steps: readonly StepDef[];
  readonly attachments: { readonly required: boolean; readonly hint: Localised };
  /** SHA-256 of the canonical definition: which version of the form a case was filled in. */
  readonly digest: string;
}

export interface CaseTypes {
  readonly numbering: { readonly case: string; readonly message: string };
  readonly types: readonly CaseTypeDef[];
  get(id: string): CaseTypeDef | undefined;
}

/** The id of the built-in last step where files are attached. */
export const ATTACHMENTS_STEP = 'attachments';

/** Field values of a case: strings by field id; a group is a list of rows. */
export type CaseData = Record<string, string | Record<string, string>[]>;

export function loadCaseTypes(file: string): CaseTypes {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`case types ${file} cannot be read as JSON: ${(err as Error).message}`]);
  }
  return parseCaseTypes(raw, file);
}

export function parseCaseTypes(raw: unknown, source = 'case types'): CaseTypes {
  const problems: string[] = [];
  const obj = (v: unknown): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const arr = (v: unknown, where: string): unknown[] => {
    if (!Array.isArray(v)) {
      problems.push(`${where} must be a list`);
      return [];
    }
    return v as unknown[];
  };
  const id = (v: unknown, where: string): string => {
    if (typeof v !== 'string' || !/^[a-z][a-z0-9_]{0,59}$/.test(v)) {
      problems.push(`${where}.id must be lower-case letters, digits and _ (max 60)`);
      return '';
    }
    return v;
  };
  const localised = (v: unknown, where: string): Localised => {
    const o = obj(v);
    const sv = o['sv'];
    const en = o['en'];
    if (typeof sv !== 'string' || sv.trim() === '' || typeof en !== 'string' || en.trim() === '') {
      problems.push(`${where} must have non-empty "sv" and "en" texts`);
      return { sv: '', en: '' };
    }
    return { sv, en };
  };
  const optionalLocalised = (v: unknown, where: string) =>
    v === undefined ? undefined : localised(v, where);
  const positive = (v: unknown, where: string): number | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      problems.push(`${where} must be a non-negative integer`);
      return undefined;
    }
    return v;
  };

  const scalar = (raw: unknown, where: string): ScalarField => {
    const f = obj(raw);
    const type = f['type'];
    if (typeof type !== 'string' || !(SCALAR_TYPES as readonly string[]).includes(type)) {
      problems.push(
        `${where}.type must be one of ${SCALAR_TYPES.join(', ')}${where.includes('.fields[') && where.split('.fields[').length > 2 ? ' (groups cannot nest)' : ''}`,
      );
    }
    const options =
      f['options'] === undefined
        ? undefined
        : arr(f['options'], `${where}.options`).map((o, i) => {
            const opt = obj(o);
            const value = opt['value'];
            if (typeof value !== 'string' || !/^[a-z0-9_]{1,40}$/.test(value))
              problems.push(`${where}.options[${i}].value must be a short code`);
            return {
              value: typeof value === 'string' ? value : '',
              label: localised(opt['label'], `${where}.options[${i}].label`),
            };
          });
    if (type === 'select' && (!options || options.length === 0))
      problems.push(`${where}: a select needs options`);
    if (f['required'] !== undefined && typeof f['required'] !== 'boolean')
      problems.push(`${where}.required must be true or false`);
    return {
      id: id(f['id'], where),
      type: type as FieldType,
      label: localised(f['label'], `${where}.label`),
      hint: optionalLocalised(f['hint'], `${where}.hint`),
      required: f['required'] === true,
      maxLength: positive(f['maxLength'], `${where}.maxLength`),
      min: positive(f['min'], `${where}.min`),
      max: positive(f['max'], `${where}.max`),
      options,
    };
  };

  const field = (raw: unknown, where: string): FieldDef => {
    const f = obj(raw);
    if (f['type'] !== 'group') return scalar(raw, where);
    const min = positive(f['min'], `${where}.min`) ?? 0;
    const max = positive(f['max'], `${where}.max`) ?? 50;
    if (max < 1 || max < min || max > 500)
      problems.push(`${where}: a group needs 1 ≤ max ≤ 500 and min ≤ max`);
    return {
      id: id(f['id'], where),
      type: 'group',
      label: localised(f['label'], `${where}.label`),
      itemLabel: localised(f['itemLabel'], `${where}.itemLabel`),
      min,
      max,
      fields: arr(f['fields'], `${where}.fields`).map((g, i) => scalar(g, `${where}.fields[${i}]`)),
    };
  };

  const root = obj(raw);
  const numbering = obj(root['numbering']);
  const prefix = (v: unknown, where: string): string => {
    if (typeof v !== 'string' || !/^[A-Z]{1,5}$/.test(v)) {
      problems.push(`${where} must be 1–5 capital letters`);
      return 'X';
    }
    return v;
  };
  const casePrefix = prefix(numbering['case'], 'numbering.case');
  const messagePrefix = prefix(numbering['message'], 'numbering.message');
  if (casePrefix === messagePrefix) problems.push('numbering.case and numbering.message must differ');

  const types: CaseTypeDef[] = arr(root['types'], 'types').map((rawType, ti) => {
    const t = obj(rawType);
    const where = `types[${ti}]`;
    const kind = t['kind'];
    if (kind !== 'case' && kind !== 'message') problems.push(`${where}.kind must be "case" or "message"`);
    const steps: StepDef[] = arr(t['steps'], `${where}.steps`).map((rawStep, si) => {
      const s = obj(rawStep);
      const sw = `${where}.steps[${si}]`;
      const register = s['register'];
      if (register !== undefined && register !== 'contacts')
        problems.push(`${sw}.register must be "contacts" when given`);
      return {
        id: id(s['id'], sw),
        title: localised(s['title'], `${sw}.title`),
        intro: optionalLocalised(s['intro'], `${sw}.intro`),
        register: register === 'contacts' ? 'contacts' : undefined,
        fields: arr(s['fields'], `${sw}.fields`).map((f, fi) => field(f, `${sw}.fields[${fi}]`)),
      };
    });
    if (steps.length === 0) problems.push(`${where} needs at least one step`);
    const stepIds = new Set<string>();
    const fieldIds = new Set<string>();
    for (const step of steps) {
      if (stepIds.has(step.id) || step.id === ATTACHMENTS_STEP)
        problems.push(`${where}: step id "${step.id}" is used twice or reserved`);
      stepIds.add(step.id);
      for (const f of step.fields) {
        if (fieldIds.has(f.id)) problems.push(`${where}: field id "${f.id}" is used twice`);
        fieldIds.add(f.id);
        if (f.type === 'group') {
          const inner = new Set<string>();
          for (const g of f.fields) {
            if (inner.has(g.id)) problems.push(`${where}: field id "${f.id}.${g.id}" is used twice`);
            inner.add(g.id);
          }
        }
      }
    }
    const titleField = t['titleField'];
    if (titleField !== undefined && (typeof titleField !== 'string' || !fieldIds.has(titleField))) {
      problems.push(`${where}.titleField must name a field of the type`);
    }
    const attachments = obj(t['attachments']);
    const def = {
      id: id(t['id'], where),
      kind: kind === 'message' ? ('message' as const) : ('case' as const),
      name: localised(t['name'], `${where}.name`),
      description: localised(t['description'], `${where}.description`),
      titleField: typeof titleField === 'string' ? titleField : undefined,
      steps,
      attachments: {
        required: attachments['required'] === true,
        hint: localised(attachments['hint'], `${where}.attachments.hint`),
      },
    };
    return { ...def, digest: sha256Hex(canonicalJson(toCanonical(def))) };
  });
  if (types.length === 0) problems.push('types must list at least one case type');
  const seen = new Set<string>();
  for (const t of types) {
    if (seen.has(t.id)) problems.push(`case type id "${t.id}" is used twice`);
    seen.add(t.id);
  }
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `${source}: ${p}`));
  const byId = new Map(types.map((t) => [t.id, t]));
  return {
    numbering: { case: casePrefix, message: messagePrefix },
    types,
    get: (typeId) => byId.get(typeId),
  };
}

/** The spec a scalar field's value is checked against. */
export function fieldSpec(field: ScalarField): FieldSpec {
  return {
    type: field.type,
    required: field.required,
    ...(field.maxLength !== undefined ? { maxLength: field.maxLength } : {}),
    ...(field.min !== undefined ? { min: field.min } : {}),
    ...(field.max !== undefined ? { max: field.max } : {}),
    ...(field.options ? { options: field.options.map((o) => o.value) } : {}),
  };
}

/** Every field of a type with its step, in form order. */
export function fieldsOf(type: CaseTypeDef): { step: StepDef; field: FieldDef }[] {
  return type.steps.flatMap((step) => step.fields.map((field) => ({ step, field })));
}

/** JSON without undefined members, for the definition digest. */
function toCanonical(value: unknown): CanonicalValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')
    return value;
  if (Array.isArray(value)) return value.map(toCanonical);
  const out: Record<string, CanonicalValue> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    if (v !== undefined) out[k] = toCanonical(v);
  return out;
}
