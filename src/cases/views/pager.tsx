/**
 * "Previous page" and "Next page" links under a list that is shown a page at a time: plain
 * links (no JavaScript), in a navigation landmark named after the list, with the page number
 * said in words. Nothing when there is only one page.
 */
export function Pager(props: {
  /** The landmark's name, e.g. "Pages of Drafts". */
  label: string;
  /** "Page 2" */
  current: string;
  previous: { href: string; text: string } | undefined;
  next: { href: string; text: string } | undefined;
}) {
  const { previous, next } = props;
  if (!previous && !next) return null;
  return (
    <nav aria-label={props.label}>
      <p>{props.current}</p>
      <ul class="pager">
        {previous ? (
          <li>
            <a href={previous.href} rel="prev">
              {previous.text}
            </a>
          </li>
        ) : null}
        {next ? (
          <li>
            <a href={next.href} rel="next">
              {next.text}
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
