/**
 * BankID in the browser, registered together: the choice "this device / another device"
 * (RFA20) and starting an order (start-routes); the waiting page with the animated QR or the
 * launch link and the status messages, and cancel (wait-routes); and finishing a login or a
 * signature (complete-routes). Everything is tied to the session; the browser never sees an
 * orderRef or the QR secret (route-context).
 */
import type { FastifyInstance } from 'fastify';
import { completeRoutes } from './complete-routes.js';
import { createOrderAccess, type BankIdRoutesDeps } from './route-context.js';
import { startRoutes } from './start-routes.js';
import { waitRoutes } from './wait-routes.js';

export type { BankIdRoutesDeps } from './route-context.js';

export async function bankIdRoutes(app: FastifyInstance, deps: BankIdRoutesDeps): Promise<void> {
  const access = createOrderAccess(deps);
  startRoutes(app, deps, access);
  waitRoutes(app, deps, access);
  completeRoutes(app, deps, access);
}
