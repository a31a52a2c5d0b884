/**
 * The sign page (what is signed, its digest, and the ways the person can sign now), the
 * result page, and the evidence page that re-verifies a stored signature.
 */
import type { FastifyInstance } from 'fastify';
import { formatDateTime } from '../login/plan-dates.js';
import { requirePrincipal } from '../login/routes.js';
import { methodName } from '../identity/methods.js';
import { formatPersonalNumber } from '../identity/personnummer.js';
import { AppError } from '../web/errors.js';
import { textKey, type Lang, type Messages, type TextKey } from '../platform/i18n/index.js';
import type { ComponentChildren } from 'preact';
import { Layout, Notice } from '../web/layout.js';
import { pageContext, sendHtml, type ViewDeps } from '../web/render.js';
import { shownRefusal } from './failure.js';
import type { SignatureEvidence, Signing } from './service.js';

/** A way to sign, offered on the sign page when its method is enabled. */
export interface SignMethod {
  id: string;
  /** Whether the method can be used now (rollout plan, configuration). */
  isAvailable(): Promise<boolean>;
  label: TextKey;
  note: TextKey;
  /** POST target that starts signing request `id` with this method. */
  startPath(id: string): string;
}

/** Groups a hex digest in fours so a person can compare it with the signer's display. */
export function groupedDigest(hex: string): string {
  return hex.match(/.{1,4}/g)?.join(' ') ?? hex;
}

export async function signingRoutes(
  app: FastifyInstance,
  deps: ViewDeps & { signing: Signing; signMethods: readonly SignMethod[] },
): Promise<void> {
  const { signing, site } = deps;

  app.get<{ Params: { id: string } }>('/sign/:id', async (request, reply) => {
    const { principal } = requirePrincipal(request);
    const signRequest = await signing.findFor(request.params.id, principal.personnummer);
    const ctx = await pageContext(deps, request, reply);
    const { t, lang } = ctx;
    if (signRequest.state === 'completed' && signRequest.evidenceId) {
      const evidence = await signing.evidence(signRequest.evidenceId);
      return sendHtml(
        reply,
        <Layout ctx={ctx} title={t['sign.doneTitle']}>
          <h1>{t['sign.doneTitle']}</h1>
          <Notice kind="success">
            <p>
              {evidence
                ? t['sign.done']({
                    method: methodName(t, evidence.method),
                    at: formatDateTime(lang, new Date(evidence.signed_at), site.timeZone),
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
            <a href={`/signatures/${signRequest.evidenceId}`}>{t['sign.evidenceLink']}</a>
          </p>
        </Layout>,
      );
    }
    const methods: SignMethod[] = [];
    for (const m of deps.signMethods) if (await m.isAvailable()) methods.push(m);
    const refusal = shownRefusal(signRequest.lastError);
    return sendHtml(
      reply,
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
      </Layout>,
    );
  });

  app.get<{ Params: { id: string } }>('/sign/:id/status', { config: { touchSession: false } }, async (request, reply) => {
    const { principal } = requirePrincipal(request);
    const signRequest = await signing.findFor(request.params.id, principal.personnummer);
    return reply.header('cache-control', 'no-store').send({ state: signRequest.state, error: signRequest.lastError ?? null });
  });

  app.get<{ Params: { id: string } }>('/signatures/:id', async (request, reply) => {
    const { principal } = requirePrincipal(request);
    const evidence = await signing.evidence(request.params.id);
    if (!evidence) throw new AppError('not_found', 'no such evidence');
    if (evidence.signer_personnummer !== principal.personnummer && principal.staff.length === 0) {
      throw new AppError('forbidden', 'evidence of another person');
    }
    const result = await signing.reverify(evidence);
    if (request.headers.accept?.includes('application/json')) {
      return reply.header('cache-control', 'no-store').send({
        id: evidence.id,
        method: evidence.method,
        signedAt: evidence.signed_at,
        digest: evidence.digest,
        valid: result.ok,
        checks: result.checks,
        ...(result.code ? { code: result.code } : {}),
      });
    }
    const ctx = await pageContext(deps, request, reply);
    const { t, lang } = ctx;
    return sendHtml(
      reply,
      <Layout ctx={ctx} title={t['evidence.title']}>
        <h1>{t['evidence.title']}</h1>
        <EvidenceFacts evidence={evidence} t={t} lang={lang} timeZone={site.timeZone}>
          <dt>{t['evidence.text']}</dt>
          <dd class="sign-text">{evidence.visible_text}</dd>
        </EvidenceFacts>
        <h2>{t['evidence.result']}</h2>
        <Notice kind={result.ok ? 'success' : 'error'}>
          <p>{result.ok ? t['evidence.valid'] : t['evidence.invalid']}</p>
        </Notice>
        <CheckList checks={result.checks} t={t} />
      </Layout>,
    );
  });
}

/** Who signed, how, when and what digest: the facts of stored signature evidence. */
export function EvidenceFacts(props: { evidence: SignatureEvidence; t: Messages; lang: Lang; timeZone: string; children?: ComponentChildren }) {
  const { evidence, t, lang } = props;
  return (
    <dl class="facts">
      <dt>{t['evidence.signer']}</dt>
      <dd>{`${evidence.signer_name ?? ''} (${formatPersonalNumber(evidence.signer_personnummer)})`}</dd>
      <dt>{t['evidence.method']}</dt>
      <dd>{methodName(t, evidence.method)}</dd>
      <dt>{t['evidence.signedAt']}</dt>
      <dd>{formatDateTime(lang, new Date(evidence.signed_at), props.timeZone)}</dd>
      <dt>{t['evidence.digest']}</dt>
      <dd>
        <code>{groupedDigest(evidence.digest)}</code>
      </dd>
      {props.children}
    </dl>
  );
}

/** The result of each re-verification check, by name. */
export function CheckList(props: { checks: Record<string, boolean>; t: Messages }) {
  const { t } = props;
  return (
    <ul class="checks">
      {Object.entries(props.checks).map(([name, ok]) => {
        const key = textKey(t, `evidence.check.${name}`);
        return (
          <li key={name} data-check={name} data-ok={String(ok)}>
            {`${key ? t[key] : name}: ${ok ? t['evidence.yes'] : t['evidence.no']}`}
          </li>
        );
      })}
    </ul>
  );
}
