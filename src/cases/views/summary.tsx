/**
 * What a case says, as people read it: its data section by section (with links back to
 * each step while it is a draft) and the table of its attachments (name, size, SHA-256,
 * and a remove button while it is a draft).
 */
import type { Lang, Messages } from '../../platform/i18n/index.js';
import { groupedDigest } from '../../signing/views/digest.js';
import { formatSize, summarySections } from '../display.js';
import type { AttachmentInfo, CaseRow } from '../service.js';
import type { CaseTypeDef } from '../types.js';
import { stepUrl } from './steps.js';
import { TableScroll } from '../../web/table-scroll.js';

export function Summary(props: {
  row: CaseRow;
  type: CaseTypeDef;
  lang: Lang;
  t: Messages;
  editable: boolean;
}) {
  const { row, type, lang, t } = props;
  return (
    <>
      {summarySections(type, row.data, lang, t).map((section) => (
        <section key={section.step.id} aria-labelledby={`sum-${section.step.id}`} class="summary-section">
          <h2 id={`sum-${section.step.id}`}>{section.title}</h2>
          <dl class="summary">
            {section.rows.map((r) => (
              <div key={r.path} class="summary-row">
                <dt>{r.label}</dt>
                <dd>{r.value}</dd>
              </div>
            ))}
          </dl>
          {props.editable ? (
            <p>
              <a href={stepUrl(row, section.step.id)}>{t['cases.edit']({ step: section.title })}</a>
            </p>
          ) : null}
        </section>
      ))}
    </>
  );
}

export function AttachmentTable(props: {
  t: Messages;
  lang: Lang;
  row: CaseRow;
  attachments: readonly AttachmentInfo[];
  csrf: string;
  removable: boolean;
}) {
  const { t, lang, row, attachments } = props;
  if (attachments.length === 0) return <p>{t['cases.noAttachments']}</p>;
  return (
    <TableScroll label={t['cases.attachmentsTitle']}>
      <table>
        <caption class="visually-hidden">{t['cases.attachmentsTitle']}</caption>
        <thead>
          <tr>
            <th scope="col">{t['cases.col.file']}</th>
            <th scope="col">{t['cases.col.size']}</th>
            <th scope="col">{t['cases.col.sha256']}</th>
            {props.removable ? (
              <th scope="col">
                <span class="visually-hidden">{t['cases.col.action']}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {attachments.map((a) => (
            <tr key={a.id}>
              <td>
                <a href={`/cases/${row.id}/attachments/${a.id}`}>{a.fileName}</a>
              </td>
              <td>{formatSize(a.size, lang)}</td>
              <td>
                <code class="digest" data-sha256={a.sha256}>
                  {groupedDigest(a.sha256)}
                </code>
              </td>
              {props.removable ? (
                <td>
                  <form
                    method="post"
                    action={`/cases/${row.id}/attachments/${a.id}/delete`}
                    class="inline-form"
                  >
                    <input type="hidden" name="_csrf" value={props.csrf} />
                    <button type="submit" class="button-secondary">
                      {t['cases.remove']({ name: a.fileName })}
                    </button>
                  </form>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
