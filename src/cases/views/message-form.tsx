/**
 * The form to write a message on a submitted case, with one optional file.
 */
import type { Messages } from '../../platform/i18n/index.js';
import type { CaseRow } from '../service.js';

/** `hint`: the text above the field (a case officer gets one that speaks of the company). */
export function MessageForm(props: { row: CaseRow; t: Messages; csrf: string; hint?: string }) {
  const { t } = props;
  return (
    <form method="post" action={`/cases/${props.row.id}/messages`} enctype="multipart/form-data">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <p class="hint" id="msg-hint">
        {props.hint ?? t['cases.messageHint']}
      </p>
      <div class="field">
        <label for="f-body">{t['cases.messageField']}</label>
        <textarea id="f-body" name="body" rows={5} aria-describedby="msg-hint"></textarea>
      </div>
      <div class="field">
        <label for="f-file">{t['cases.messageFile']}</label>
        <input type="file" id="f-file" name="file" />
      </div>
      <button type="submit" class="button-primary">
        {t['cases.messageSend']}
      </button>
    </form>
  );
}
