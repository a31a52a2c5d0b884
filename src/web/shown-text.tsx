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

/**
 * A sentence with a code in it (a case number, an organisation number) that must not break
 * at its hyphens: the message is made with a marker in place of the code, which is then
 * shown unbreakable. The code itself is unchanged, so it copies and searches as it is.
 */
export function WithCode(props: { message: (code: string) => string; code: string }) {
  const marker = '\u0000';
  const [before = '', ...rest] = props.message(marker).split(marker);
  return (
    <>
      {before}
      <span class="nowrap">{props.code}</span>
      {rest.join(props.code)}
    </>
  );
}
