/**
 * A test's result: the outcome first, in a live region (announced when the page loads after
 * the card listener or BankID sent the person back), then the facts, what to do, and the
 * summary of this browser's tests.
 */
import type { ComponentChildren } from 'preact';
import type { PlannedMethod } from '../../login/plan.js';
import { Layout, type PageContext } from '../../web/layout.js';
import type { TestOutcome } from '../route-context.js';
import { SELFTEST_PATH } from '../route-context.js';
import { Summary } from './selftest-page.js';

export interface Fact {
  label: string;
  value: string;
}

export function ResultPage(props: {
  ctx: PageContext;
  heading: string;
  ok: boolean;
  /** The outcome in one or two sentences: what was tested and how it went. */
  outcome: string;
  facts: readonly Fact[];
  /** What to do: the precise advice for this outcome. */
  advice?: ComponentChildren;
  outcomes: readonly TestOutcome[];
  methods: readonly PlannedMethod[];
  now: Date;
}) {
  const { ctx } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={props.heading} failed={!props.ok}>
      <h1>{props.heading}</h1>
      <div
        class={`notice ${props.ok ? 'notice-success' : 'notice-error'} selftest-outcome`}
        role={props.ok ? 'status' : 'alert'}
        tabIndex={-1}
        autofocus
        data-outcome={props.ok ? 'ok' : 'failed'}
      >
        <p>
          <strong>{props.ok ? t['selftest.result.ok'] : t['selftest.result.failed']}</strong> {props.outcome}
        </p>
      </div>
      {props.facts.length > 0 ? (
        <dl class="facts selftest-facts">
          {props.facts.map((f) => (
            <div key={f.label}>
              <dt>{f.label}</dt>
              <dd>{f.value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {props.advice ? (
        <section aria-labelledby="advice-heading" class="selftest-advice">
          <h2 id="advice-heading">{t['selftest.result.whatToDo']}</h2>
          {props.advice}
        </section>
      ) : null}
      <Summary ctx={ctx} outcomes={props.outcomes} methods={props.methods} now={props.now} withNext={props.advice === undefined} />
      <p class="no-print">
        <a href={SELFTEST_PATH}>{t['selftest.result.back']}</a>
      </p>
    </Layout>
  );
}
