/**
 * userVisibleData as the app shows it. `plaintext`: line breaks kept. `simpleMarkdownV1`
 * (BankID's "Guidelines for Formatted Text" are not in our reference, so this is the common
 * subset): `#`/`##`/`###` headings, blank-line paragraphs, `*bold*`, `_italic_`, `- ` lists,
 * `---` rules; anything else is shown as text. Headings start at `headingLevel` so the page's
 * outline stays correct. preact escapes all text.
 */
import type { ComponentChildren, JSX } from 'preact';

export function decodeUserVisibleData(base64: string | undefined): string | null {
  if (base64 === undefined) return null;
  return Buffer.from(base64, 'base64').toString('utf8');
}

function inline(text: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  const pattern = /\*([^*\n]+)\*|_([^_\n]+)_/g;
  let last = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(m[1] !== undefined ? <strong>{m[1]}</strong> : <em>{m[2]}</em>);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function withBreaks(lines: readonly string[], render: (line: string) => ComponentChildren): ComponentChildren[] {
  return lines.flatMap((line, i) => (i === 0 ? [render(line)] : [<br />, render(line)]));
}

export function UserVisibleText(props: {
  text: string;
  format: 'plaintext' | 'simpleMarkdownV1';
  headingLevel: 2 | 3 | 4;
}): JSX.Element {
  const lines = props.text.replace(/\r\n?/g, '\n').split('\n');
  if (props.format === 'plaintext') {
    const paragraphs = props.text.replace(/\r\n?/g, '\n').split(/\n{2,}/);
    return (
      <div class="uvd">
        {paragraphs.map((p) => (
          <p>{withBreaks(p.split('\n'), (l) => l)}</p>
        ))}
      </div>
    );
  }
  const blocks: ComponentChildren[] = [];
  let paragraph: string[] = [];
  let list: string[] = [];
  const flushParagraph = () => {
    if (paragraph.length > 0) blocks.push(<p>{withBreaks(paragraph, inline)}</p>);
    paragraph = [];
  };
  const flushList = () => {
    if (list.length > 0)
      blocks.push(
        <ul>
          {list.map((item) => (
            <li>{inline(item)}</li>
          ))}
        </ul>,
      );
    list = [];
  };
  const flush = () => {
    flushParagraph();
    flushList();
  };
  for (const line of lines) {
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    if (heading?.[1] && heading[2] !== undefined) {
      flush();
      const level = Math.min(6, props.headingLevel + heading[1].length - 1);
      const Tag = `h${level}` as 'h2' | 'h3' | 'h4' | 'h5' | 'h6';
      blocks.push(<Tag>{inline(heading[2])}</Tag>);
    } else if (/^\s*$/.test(line)) {
      flush();
    } else if (/^-{3,}\s*$/.test(line)) {
      flush();
      blocks.push(<hr />);
    } else if (/^[-+] /.test(line)) {
      flushParagraph();
      list.push(line.slice(2));
    } else {
      flushList();
      paragraph.push(line);
    }
  }
  flush();
  return <div class="uvd">{blocks}</div>;
}
