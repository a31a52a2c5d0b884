/**
 * BankID as a way to sign (signing's SignMethod port): one button for BankID on this device
 * and one for Mobile BankID on another device (the RFA20 choice), each starting the order
 * at once, so the person goes from the review straight to the waiting page.
 */
import type { SignMethod } from '../signing/sign-methods.js';
import { createOrderAccess, type BankIdRoutesDeps } from './route-context.js';
import { createOrderStarter } from './start-routes.js';

export function bankIdSignMethod(deps: BankIdRoutesDeps): SignMethod {
  const startOrder = createOrderStarter(deps, createOrderAccess(deps));
  return {
    id: 'bankid',
    label: 'sign.method.bankid',
    note: 'sign.bankIdNeeds',
    options: [
      { id: 'autostart', label: 'sign.bankid.thisDevice' },
      { id: 'qr', label: 'sign.bankid.otherDevice' },
    ],
    isAvailable: () => deps.plan.isEnabled('bankid'),
    begin: (request, reply, signRequestId, option) =>
      startOrder(request, reply, { kind: 'sign', flow: option === 'qr' ? 'qr' : 'autostart', signRequestId }),
  };
}
