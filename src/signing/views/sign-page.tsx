/**
 * The choice of how to sign (a card per method, a button per way to start it), shown on the
 * review of what is signed and on the sign page (/sign/:id), which is where a person lands
 * after a signature that did not go through: the reason, what is signed, and the choice again.
 */
import { Layout, Notice, type PageContext } from '../../web/layout.js';
import type { Messages } from '../../platform/i18n/index.js';
import { shownRefusal } from '../failure.js';
import type { SignRequest } from '../service.js';
import { choiceValue, type SignMethod } from '../sign-methods.js';
import { groupedDigest } from './digest.js';

/**
 * The methods' cards with their start buttons (`name="choice"`), for a form that the caller
 * owns: the buttons submit it, the first one being the default.
 */
export function MethodChoice(props: { t: Messages; methods: readonly SignMethod[]; headingId: string }) {
  const { t, methods } = props;
  return (
    <section aria-labelledby={props.headingId}>
      <h2 id={props.headingId}>{t['sign.methodsHeading']}</h2>
      {methods.length === 0 ? <p>{t['sign.noMethod']}</p> : null}
      <div class="method-cards">
        {methods.map((m) => (
          <div class="method-card" key={m.id}>
            <h3>{t[m.label]}</h3>
            <p>{t[m.note]}</p>
            <div class="button-row">
              {m.options.map((o, i) => (
                <button
                  type="submit"
                  name="choice"
                  value={choiceValue(m, o)}
                  class={i === 0 ? 'button-primary' : 'button-secondary'}
                  key={o.id}
                >
                  {t[o.label]}
                </button>
              ))}
            </div>
          </div>
        ))}
      </div>
    </section>
  );
}

/** What is signed: the text the signer's app also shows, and its checksum grouped to compare. */
export function SignedText(props: { t: Messages; text: string; digest: string; headingId: string }) {
  const { t } = props;
  return (
    <section aria-labelledby={props.headingId}>
      <h2 id={props.headingId}>{t['sign.whatHeading']}</h2>
      <div class="sign-text">{props.text}</div>
      <dl class="facts">
        <dt>{t['sign.digest']}</dt>
        <dd>
          <code class="digest" data-digest={props.digest}>
            {groupedDigest(props.digest)}
          </code>
        </dd>
      </dl>
    </section>
  );
}

/** A pending request: the last refusal if any, what is signed, and the choice (none after a final refusal). */
export function SignPage(props: {
  ctx: PageContext;
  signRequest: SignRequest;
  methods: readonly SignMethod[];
}) {
  const { ctx, signRequest, methods } = props;
  const { t } = ctx;
  const refusal = shownRefusal(signRequest.lastError);
  return (
    <Layout ctx={ctx} title={t['sign.title']} failed={refusal !== undefined}>
      <h1>{t['sign.title']}</h1>
      {refusal ? (
        <Notice kind="error">
          <p>{t[refusal.message]}</p>
        </Notice>
      ) : null}
      <p class="lead">{t['sign.lead']}</p>
      <SignedText t={t} text={signRequest.text} digest={signRequest.digest} headingId="what-heading" />
      {refusal?.final ? null : (
        <form method="post" action={`/sign/${signRequest.id}/start`}>
          <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
          <MethodChoice t={t} methods={methods} headingId="methods-heading" />
        </form>
      )}
      <p>
        <a href={signRequest.cancelPath ?? signRequest.returnPath}>{t['sign.back']}</a>
      </p>
    </Layout>
  );
}
