/**
 * How a case's stored values read to a person: country names, option labels, amounts in
 * the reader's language. One summary serves the review page, the case page and the
 * receipt, so what a person reviews is what the receipt lists.
 */
import { formatCalendarDate } from '../platform/dates.js';
import type { Lang, Messages } from '../platform/i18n/index.js';
import { countryName, formatAmount, mlCategories } from './formats.js';
import type { CaseData, CaseTypeDef, ScalarField, StepDef } from './types.js';

export interface SummaryRow {
  /** The field's path ("field" or "group.row.field"), for links to the step. */
  path: string;
  label: string;
  value: string;
}

export interface SummarySection {
  step: StepDef;
  title: string;
  rows: SummaryRow[];
}

export function displayValue(
  field: ScalarField,
  value: string,
  lang: Lang,
  t: Messages,
  row?: Record<string, string>,
): string {
  if (value === '') return t['cases.empty'];
  switch (field.type) {
    case 'country':
      return `${countryName(value, lang)} (${value})`;
    case 'select':
      return field.options?.find((o) => o.value === value)?.label[lang] ?? value;
    case 'yes_no':
      return value === 'yes' ? t['cases.yes'] : t['cases.no'];
    case 'ml_category': {
      const name = mlCategories(lang).find((c) => c.code === value)?.name;
      return name ? `${value} – ${name}` : value;
    }
    case 'amount':
      return formatAmount(value, row?.['currency'] ?? '', lang);
    case 'date':
      // One display format per language, as every other date the portal shows.
      return formatCalendarDate(lang, value);
    default:
      return value;
  }
}

export function summarySections(
  type: CaseTypeDef,
  data: CaseData,
  lang: Lang,
  t: Messages,
): SummarySection[] {
  return type.steps.map((step) => {
    const rows: SummaryRow[] = [];
    for (const f of step.fields) {
      const value = data[f.id];
      if (f.type === 'group') {
        const items = Array.isArray(value) ? value : [];
        if (items.length === 0) rows.push({ path: f.id, label: f.label[lang], value: t['cases.noRows'] });
        items.forEach((item, i) => {
          for (const g of f.fields) {
            rows.push({
              path: `${f.id}.${i}.${g.id}`,
              label: `${f.itemLabel[lang]} ${i + 1} – ${g.label[lang]}`,
              value: displayValue(g, item[g.id] ?? '', lang, t, item),
            });
          }
        });
      } else {
        rows.push({
          path: f.id,
          label: f.label[lang],
          value: displayValue(f, typeof value === 'string' ? value : '', lang, t),
        });
      }
    }
    return { step, title: step.title[lang], rows };
  });
}

/** File sizes as people read them: "12 kB", "3,4 MB". */
export function formatSize(bytes: number, lang: Lang): string {
  const nf = (n: number, digits: number) =>
    new Intl.NumberFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { maximumFractionDigits: digits }).format(n);
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${nf(bytes / 1000, 0)} kB`;
  return `${nf(bytes / 1_000_000, 1)} MB`;
}
