/**
 * The sign page (/sign/:id): what is signed, its digest, the last refusal if any, and the
 * ways the person can sign now; and, once signed, the page that says so and leads on.
 */
import { methodName } from '../../identity/methods.js';
import { formatDateTime } from '../../platform/dates.js';
import { Layout, Notice, type PageContext } from '../../web/layout.js';
import { shownRefusal } from '../failure.js';
import type { SignatureEvidence, SignRequest } from '../service.js';
import type { SignMethod } from '../sign-methods.js';
import { groupedDigest } from './digest.js';

/** A pending request: what is signed and a form per method available now (none after a final refusal). */
export function SignPage(props: {
  ctx: PageContext;
  signRequest: SignRequest;
  methods: readonly SignMethod[];
}) {
  const { ctx, signRequest, methods } = props;
  const { t } = ctx;
  const refusal = shownRefusal(signRequest.lastError);
  return (
    <Layout ctx={ctx} title={t['sign.title']}>
      <h1>{t['sign.title']}</h1>
      {refusal ? (
        <Notice kind="error">
          <p>{t[refusal.message]}</p>
        </Notice>
      ) : null}
      <p class="lead">{t['sign.lead']}</p>
      <section aria-labelledby="what-heading">
        <h2 id="what-heading">{t['sign.whatHeading']}</h2>
        <div class="sign-text">{signRequest.text}</div>
        <dl class="facts">
          <dt>{t['sign.digest']}</dt>
          <dd>
            <code data-digest={signRequest.digest}>{groupedDigest(signRequest.digest)}</code>
          </dd>
        </dl>
      </section>
      <section aria-labelledby="methods-heading">
        <h2 id="methods-heading">{t['sign.methodsHeading']}</h2>
        {methods.length === 0 ? <p>{t['sign.noMethod']}</p> : null}
        {refusal?.final
          ? null
          : methods.map((m) => (
              <form method="post" action={m.startPath(signRequest.id)} class="method-card" key={m.id}>
                <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
                <p>{t[m.note]}</p>
                <button type="submit" class="button-primary">
                  {t[m.label]}
                </button>
              </form>
            ))}
      </section>
      <p>
        <a href={signRequest.cancelPath ?? signRequest.returnPath}>{t['sign.back']}</a>
      </p>
    </Layout>
  );
}

/** A completed request: signed how and when, the way on, and the link to the evidence. */
export function SignDonePage(props: {
  ctx: PageContext;
  signRequest: SignRequest;
  evidenceId: string;
  evidence: SignatureEvidence | undefined;
}) {
  const { ctx, signRequest, evidence } = props;
  const { t, lang } = ctx;
  return (
    <Layout ctx={ctx} title={t['sign.doneTitle']}>
      <h1>{t['sign.doneTitle']}</h1>
      <Notice kind="success">
        <p>
          {evidence
            ? t['sign.done']({
                method: methodName(t, evidence.method),
                at: formatDateTime(lang, new Date(evidence.signed_at), ctx.site.timeZone),
              })
            : ''}
        </p>
      </Notice>
      <p>
        <a class="button-primary" href={signRequest.returnPath}>
          {t['sign.continue']}
        </a>
      </p>
      <p>
        <a href={`/signatures/${props.evidenceId}`}>{t['sign.evidenceLink']}</a>
      </p>
    </Layout>
  );
}
