import { splitControlChars } from '../platform/control-chars.js';

/**
 * Text someone else controls, shown so that it cannot reorder or split what is around it:
 * each control, bidi or separator character appears as its escape (`\u202E`), marked as such
 * (src/platform/control-chars.ts).
 */
export function ShownText(props: { text: string }) {
  return (
    <>
      {splitControlChars(props.text).map((part) =>
        'text' in part ? (
          part.text
        ) : (
          <span class="control-char" title={part.code}>
            {part.escaped}
          </span>
        ),
      )}
    </>
  );
}
