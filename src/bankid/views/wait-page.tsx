/**
 * The waiting page of a BankID order: the status message, the animated QR (another device:
 * drawn by the page's script from this second's data, the server's image without script)
 * or the launch link (this device), a way to switch to the other flow without cancelling,
 * cancel, and after a failure the reason, "try again" and the switch; the page for a session
 * without an order; and the texts of the status, which the page's script also gets from
 * /bankid/status.
 */
import type { Messages } from '../../platform/i18n/index.js';
import { Layout, Notice, type PageContext } from '../../web/layout.js';
import { launchUrl } from '../launch.js';
import { QR_RENEWALS, QR_WARNING_SECONDS, type BankIdFlow } from '../route-context.js';
import type { Flow } from '../rfa.js';
import type { BankIdOrder, OrderView } from '../service.js';

export function refusalText(t: Messages, order: Pick<BankIdOrder, 'refusal' | 'rfa'>): string {
  if (order.refusal === 'risk' || order.refusal === 'device' || order.refusal === 'verification') {
    return t[`bankid.refusal.${order.refusal}`];
  }
  return t[`bankid.${order.rfa}`];
}

/**
 * The status message of an order. BankID's recommended message, except:
 * - this device, before the person has used the launch link: what to do (RFA13 "Trying to
 *   start your BankID app" only once they have, or once BankID reports more);
 * - for the page's script, a QR whose start window is about to close: a warning, saying
 *   whether a new QR code follows by itself (the script renews it; a page without the
 *   script does not, and shows no such promise);
 * - a QR order that replaced one that ran out: that this is a new QR code.
 */
export function statusText(
  t: Messages,
  flow: BankIdFlow,
  order: Pick<BankIdOrder, 'refusal' | 'rfa'>,
  view: OrderView,
  opts: { launched: boolean; script: boolean },
): string {
  if (view.state === 'failed') return refusalText(t, order);
  if (flow.flow === 'autostart' && view.state === 'pending' && view.rfa === 'RFA13' && !opts.launched) {
    return t['bankid.chooseLaunch'];
  }
  if (view.qr !== null) {
    const renewals = flow.renewals ?? 0;
    if (opts.script && view.qrSecondsLeft !== null && view.qrSecondsLeft <= QR_WARNING_SECONDS) {
      return renewals < QR_RENEWALS ? t['bankid.qrExpiring'] : t['bankid.qrExpiringLast'];
    }
    if (renewals > 0 && view.rfa === 'RFA1') return t['bankid.qrRenewed'];
  }
  return t[`bankid.${view.rfa}`];
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

/** The other flow, for the same login or sign request (the session names it): POST /bankid/switch. */
function SwitchForm(props: { ctx: PageContext; to: Flow }) {
  const { ctx, to } = props;
  return (
    <form method="post" action="/bankid/switch" class="bankid-switch-form">
      <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
      <input type="hidden" name="flow" value={to} />
      <button type="submit" class="button-secondary">
        {to === 'qr' ? ctx.t['bankid.switchToOtherDevice'] : ctx.t['bankid.switchToThisDevice']}
      </button>
    </form>
  );
}

export function WaitPage(props: {
  ctx: PageContext;
  flow: BankIdFlow;
  order: BankIdOrder;
  view: OrderView;
  /** What the same-device launch link is made of (launch.ts). */
  launch: { userAgent: string | undefined; returnUrl: string; override: string | undefined };
  /** Reached by switching flow: the focus starts at what to do next in the new flow. */
  switched?: boolean;
}) {
  const { ctx, flow, order, view, launch } = props;
  const { t } = ctx;
  const title = flow.kind === 'auth' ? t['bankid.title'] : flow.kind === 'test' ? t['bankid.testTitle'] : t['bankid.signTitle'];
  const other: Flow = flow.flow === 'qr' ? 'autostart' : 'qr';
  const focus = props.switched === true;
  return (
    <Layout ctx={ctx} title={title} failed={view.state === 'failed'}>
      <h1>{title}</h1>
      <div id="bankid" data-state={view.state} data-flow={flow.flow}>
        {view.state === 'failed' ? (
          <>
            <Notice kind="error">
              <p id="bankid-status">{refusalText(t, order)}</p>
              {order.flow === 'qr' && order.hintCode === 'startFailed' && !order.refusal ? (
                <p>{t['bankid.qrTimedOut']}</p>
              ) : null}
            </Notice>
            <div class="button-row">
              <form method="post" action="/bankid/start">
                <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
                <input type="hidden" name="kind" value={flow.kind} />
                <input type="hidden" name="flow" value={flow.flow} />
                {flow.signRequestId ? <input type="hidden" name="sign" value={flow.signRequestId} /> : null}
                <button type="submit" class="button-primary">
                  {t['bankid.retry']}
                </button>
              </form>
              <SwitchForm ctx={ctx} to={other} />
            </div>
          </>
        ) : (
          <>
            <p class="bankid-status" role="status" aria-live="polite" id="bankid-status">
              {statusText(t, flow, order, view, { launched: false, script: false })}
            </p>
            {flow.flow === 'qr' ? (
              <section aria-labelledby="qr-heading" id="bankid-qr-section" hidden={view.qr === null}>
                <h2 id="qr-heading" tabIndex={-1} autofocus={focus && view.qr !== null}>
                  {t['bankid.qrHeading']}
                </h2>
                <ol class="steps">
                  <li>{t['bankid.qrStep1']}</li>
                  <li>{t['bankid.qrStep2']}</li>
                  <li>{t['bankid.qrStep3']}</li>
                </ol>
                {/* The page's script draws the QR code of this second here from its data (static/qr.js),
                    and again from each status; without the script, the server's image of the moment
                    the page loaded, and the "Update status" link. */}
                <div id="bankid-qr-box" data-qr={view.qr ?? ''} data-label={t['bankid.qrAlt']} />
                <noscript>
                  <img
                    id="bankid-qr"
                    class="bankid-qr"
                    src="/bankid/qr.svg"
                    alt={t['bankid.qrAlt']}
                    width={240}
                    height={240}
                  />
                </noscript>
                <SwitchForm ctx={ctx} to="autostart" />
              </section>
            ) : (
              <>
                <p>
                  <a
                    class="button-primary"
                    id="bankid-launch"
                    href={launchUrl({ autoStartToken: order.autoStartToken, ...launch })}
                    data-launching={t['bankid.RFA13']}
                    autofocus={focus}
                  >
                    {t['bankid.launch']}
                  </a>
                </p>
                <div class="bankid-switch">
                  <p id="bankid-switch-hint">{t['bankid.launchHint']}</p>
                  <SwitchForm ctx={ctx} to="qr" />
                </div>
              </>
            )}
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
      <script src="/static/qr.js" defer></script>
      <script src="/static/bankid.js" defer></script>
    </Layout>
  );
}
