/**
 * The waiting page of a BankID order: the official status message, the animated QR (another
 * device) or the launch link (this device), cancel, and after a failure the reason and "try
 * again"; the page for a session without an order; and the text of a failed order, which
 * the page's script also gets from /bankid/status.
 */
import type { Messages } from '../../platform/i18n/index.js';
import { Layout, Notice, type PageContext } from '../../web/layout.js';
import { launchUrl } from '../launch.js';
import type { BankIdFlow } from '../route-context.js';
import type { BankIdOrder, OrderView } from '../service.js';

export function refusalText(t: Messages, order: Pick<BankIdOrder, 'refusal' | 'rfa'>): string {
  if (order.refusal === 'risk' || order.refusal === 'device' || order.refusal === 'verification') {
    return t[`bankid.refusal.${order.refusal}`];
  }
  return t[`bankid.${order.rfa}`];
}

/** No order in this session (never started, expired, cancelled or finished). */
export function NoOrderPage(props: { ctx: PageContext }) {
  const { ctx } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t['bankid.title']} failed>
      <h1>{t['bankid.title']}</h1>
      <Notice kind="error">
        <p>{t['bankid.expiredOrder']}</p>
      </Notice>
      <p>
        <a href="/login">{t['layout.nav.login']}</a>
      </p>
    </Layout>
  );
}

export function WaitPage(props: {
  ctx: PageContext;
  flow: BankIdFlow;
  order: BankIdOrder;
  view: OrderView;
  /** What the same-device launch link is made of (launch.ts). */
  launch: { userAgent: string | undefined; returnUrl: string; override: string | undefined };
}) {
  const { ctx, flow, order, view, launch } = props;
  const { t } = ctx;
  const title = flow.kind === 'auth' ? t['bankid.title'] : flow.kind === 'test' ? t['bankid.testTitle'] : t['bankid.signTitle'];
  return (
    <Layout ctx={ctx} title={title} failed={view.state === 'failed'}>
      <h1>{title}</h1>
      <div id="bankid" data-state={view.state} data-flow={flow.flow}>
        {view.state === 'failed' ? (
          <>
            <Notice kind="error">
              <p id="bankid-status">{refusalText(t, order)}</p>
            </Notice>
            <form method="post" action="/bankid/start">
              <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
              <input type="hidden" name="kind" value={flow.kind} />
              <input type="hidden" name="flow" value={flow.flow} />
              {flow.signRequestId ? <input type="hidden" name="sign" value={flow.signRequestId} /> : null}
              <button type="submit" class="button-primary">
                {t['bankid.retry']}
              </button>
            </form>
          </>
        ) : (
          <>
            <p class="bankid-status" role="status" aria-live="polite" id="bankid-status">
              {t[`bankid.${view.rfa}`]}
            </p>
            {flow.flow === 'qr' ? (
              <section aria-labelledby="qr-heading" id="bankid-qr-section" hidden={view.qr === null}>
                <h2 id="qr-heading">{t['bankid.qrHeading']}</h2>
                <ol class="steps">
                  <li>{t['bankid.qrStep1']}</li>
                  <li>{t['bankid.qrStep2']}</li>
                  <li>{t['bankid.qrStep3']}</li>
                </ol>
                <img
                  id="bankid-qr"
                  class="bankid-qr"
                  src="/bankid/qr.svg"
                  alt={t['bankid.qrAlt']}
                  width={240}
                  height={240}
                />
              </section>
            ) : (
              <p>
                <a
                  class="button-primary"
                  id="bankid-launch"
                  href={launchUrl({ autoStartToken: order.autoStartToken, ...launch })}
                >
                  {t['bankid.launch']}
                </a>
              </p>
            )}
            {flow.flow === 'autostart' ? <p>{t['bankid.launchHint']}</p> : null}
            <p class="no-js-hint">
              {t['bankid.noJs']} <a href="/bankid/wait">{t['bankid.update']}</a>
            </p>
          </>
        )}
        <form method="post" action="/bankid/cancel">
          <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
          <button type="submit" class="button-secondary">
            {t['bankid.cancel']}
          </button>
        </form>
      </div>
      <script src="/static/bankid.js" defer></script>
    </Layout>
  );
}
