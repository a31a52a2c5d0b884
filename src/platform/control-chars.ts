/**
 * Characters that change how the text around them is shown without being seen themselves:
 * the C0 and C1 controls and DEL (line breaks and tabs included), the bidirectional marks,
 * embeddings, overrides and isolates (U+200E, U+200F, U+061C, U+202A–U+202E, U+2066–U+2069),
 * and the line and paragraph separators U+2028 and U+2029. In text someone else controls (a
 * certificate's issuer name, a name, a file name), they can reorder what an admin reads
 * ("exe.pdf" shown as "fdp.exe") or split one value into what looks like several lines or rows.
 *
 * Output that shows such text (the audit page, the audit CSV) shows these escaped, as
 * `\u202E`: the same escape JSON uses, so escaped JSON is still the same JSON.
 */

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `\u202E` for U+202E: a backslash, `u` and four upper-case hex digits. */
export function escapeControlChar(char: string): string {
  return `\\u${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The text with every control, bidi and separator character escaped (see above). */
export function escapeControlChars(text: string): string {
  return text.replace(CONTROL_CHARS, escapeControlChar);
}

/** A piece of text as shown: plain text, or one escaped character (`code` is e.g. "U+202E"). */
export type ShownPart = { text: string } | { escaped: string; code: string };

/** The text split for display: plain runs, and each control character as its escape. */
export function splitControlChars(text: string): ShownPart[] {
  const parts: ShownPart[] = [];
  let last = 0;
  for (const match of text.matchAll(CONTROL_CHARS)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    const escaped = escapeControlChar(match[0]);
    parts.push({ escaped, code: `U+${escaped.slice(2)}` });
    last = match.index + match[0].length;
  }
  if (last < text.length || parts.length === 0) parts.push({ text: text.slice(last) });
  return parts;
}
