/**
 * Stored signature evidence as people read it: its facts (who, how, when, what digest) and
 * the result of each re-verification check, and the evidence page that shows both. The
 * facts and the checks are also shown on a case's signature check (cases/).
 */
import type { ComponentChildren } from 'preact';
import { methodName } from '../../identity/methods.js';
import { formatPersonalNumber } from '../../identity/personnummer.js';
import { dateTimeFormat, formatDateTime } from '../../platform/dates.js';
import { format, textKey, type Lang, type Messages } from '../../platform/i18n/index.js';
import { Layout, Notice, type PageContext } from '../../web/layout.js';
import type { Reverification, SignatureEvidence } from '../service.js';
import type { TimestampStatus } from '../timestamps.js';
import { groupedDigest } from './digest.js';

/** The evidence page (/signatures/:id): the facts, the signed text, and the re-verification. */
export function EvidencePage(props: {
  ctx: PageContext;
  evidence: SignatureEvidence;
  result: Reverification;
}) {
  const { ctx, evidence, result } = props;
  const { t, lang } = ctx;
  return (
    <Layout ctx={ctx} title={t['evidence.title']}>
      <h1>{t['evidence.title']}</h1>
      <EvidenceFacts evidence={evidence} t={t} lang={lang} timeZone={ctx.site.timeZone} timestamp={result.timestamp}>
        <dt>{t['evidence.text']}</dt>
        <dd class="sign-text">{evidence.visible_text}</dd>
      </EvidenceFacts>
      <h2>{t['evidence.result']}</h2>
      <Notice kind={result.ok ? 'success' : 'error'}>
        <p>{result.ok ? t['evidence.valid'] : t['evidence.invalid']}</p>
      </Notice>
      <CheckList checks={result.checks} t={t} />
    </Layout>
  );
}

/** Who signed, how, when and what digest: the facts of stored signature evidence. */
export function EvidenceFacts(props: {
  evidence: SignatureEvidence;
  t: Messages;
  lang: Lang;
  timeZone: string;
  /** The evidence's RFC 3161 timestamp, when it has one: "signed no later than", or pending. */
  timestamp?: TimestampStatus | undefined;
  children?: ComponentChildren;
}) {
  const { evidence, t, lang } = props;
  return (
    <dl class="facts">
      <dt>{t['evidence.signer']}</dt>
      <dd>{`${evidence.signer_name ?? ''} (${formatPersonalNumber(evidence.signer_personnummer)})`}</dd>
      <dt>{t['evidence.method']}</dt>
      <dd>{methodName(t, evidence.method)}</dd>
      <dt>{t['evidence.signedAt']}</dt>
      <dd>{formatDateTime(lang, new Date(evidence.signed_at), props.timeZone)}</dd>
      {props.timestamp ? (
        <>
          <dt>{t['evidence.timestamp']}</dt>
          <dd data-timestamp={props.timestamp.state}>{timestampText(props.timestamp, t, lang, props.timeZone)}</dd>
        </>
      ) : null}
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

/** "Signed no later than <genTime> (timestamp)" in the agency's zone, pending, or not confirmed. */
export function timestampText(timestamp: TimestampStatus, t: Messages, lang: Lang, timeZone: string): string {
  if (timestamp.state === 'pending') return t['evidence.timestamp.pending'];
  if (!timestamp.ok || !timestamp.genTime) return t['evidence.timestamp.invalid'];
  // With seconds: "no later than" must not name a minute before the genTime.
  const time = dateTimeFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { timeZone, dateStyle: 'long', timeStyle: 'medium' }).format(new Date(timestamp.genTime));
  return format(t, 'evidence.timestamp.stamped', { time });
}
