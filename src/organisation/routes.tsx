/**
 * The organisation's own pages, registered together: the register of contacts and products
 * (register-routes) and "Hantera användare" — who can act for the organisation, and its
 * admins' requests to add or remove users, handled by the agency (user-routes). Always for
 * the organisation the person acts for now: the access rule is route-context's.
 */
import type { FastifyInstance } from 'fastify';
import { registerRoutes } from './register-routes.js';
import { createOrgAccess, type OrgRoutesDeps } from './route-context.js';
import { userRoutes } from './user-routes.js';

export type { OrgRoutesDeps } from './route-context.js';

export async function orgRoutes(app: FastifyInstance, deps: OrgRoutesDeps): Promise<void> {
  const access = createOrgAccess(deps);
  registerRoutes(app, deps, access);
  userRoutes(app, deps, access);
}
