/**
 * What to do with the card to sign: insert it, open Net iD Client with the button, choose the
 * signing certificate and type the signing code; then the way to the result. The same for a
 * real signature and the self-test's test signature.
 */
import type { Messages } from '../../platform/i18n/index.js';

export function NetIdSteps(props: { t: Messages; launch: string; checkHref: string; checkLabel: string }) {
  const { t } = props;
  return (
    <>
      <ol class="steps">
        <li>{t['sign.card.step1']}</li>
        <li>{t['sign.card.step2']}</li>
        <li>{t['sign.card.step3']}</li>
      </ol>
      <p>
        <a class="button-primary" href={props.launch} target="_blank" rel="noopener">
          {t['sign.card.open']}
        </a>
      </p>
      <p>
        <a href={props.checkHref}>{props.checkLabel}</a>
      </p>
    </>
  );
}
