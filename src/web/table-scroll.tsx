/**
 * The box around a data table that may be wider than the screen: the table scrolls inside it
 * (WCAG 1.4.10 allows that for data tables) instead of breaking its words or widening the
 * page. Since it can scroll, it is reachable by keyboard (tab to it, then the arrow keys)
 * and named after its table, so a screen reader says what the stop is.
 */
import type { ComponentChildren } from 'preact';

export function TableScroll(props: { label?: string; labelledBy?: string; children: ComponentChildren }) {
  return (
    <div class="table-scroll" role="region" tabIndex={0} aria-label={props.label} aria-labelledby={props.labelledBy}>
      {props.children}
    </div>
  );
}
