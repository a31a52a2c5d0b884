/**
 * The BankID choice (RFA20): BankID on this device or on another one, for a login or for a
 * signature, with the reason the last attempt ended if there is one.
 */
import { Layout, Notice, type PageContext } from '../../web/layout.js';
import type { Flow } from '../rfa.js';
import { TEST_PAGE_PATH } from '../route-context.js';

export function ChoicePage(props: {
  ctx: PageContext;
  title: string;
  kind: 'auth' | 'sign' | 'test';
  signRequestId?: string | undefined;
  message?: string | undefined;
}) {
  const { ctx, ...input } = props;
  const { t } = ctx;
  const form = (flow: Flow, label: string) => (
    <form method="post" action="/bankid/start" class="method-card">
      <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
      <input type="hidden" name="kind" value={input.kind} />
      <input type="hidden" name="flow" value={flow} />
      {input.signRequestId ? <input type="hidden" name="sign" value={input.signRequestId} /> : null}
      <button type="submit" class="button-primary">
        {label}
      </button>
    </form>
  );
  return (
    <Layout ctx={ctx} title={input.title}>
      <h1>{input.title}</h1>
      {input.message ? (
        <Notice kind="error">
          <p>{input.message}</p>
        </Notice>
      ) : null}
      <p class="lead">{t['bankid.RFA20']}</p>
      <p>{t['bankid.choose']}</p>
      {form('autostart', t['bankid.thisDevice'])}
      {form('qr', t['bankid.otherDevice'])}
      <p>
        <a href={input.kind === 'auth' ? '/login' : input.kind === 'test' ? TEST_PAGE_PATH : `/sign/${input.signRequestId ?? ''}`}>
          {t['bankid.cancel']}
        </a>
      </p>
    </Layout>
  );
}
