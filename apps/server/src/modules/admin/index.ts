import type { FastifyInstance } from 'fastify';
import type { AuthRouteOptions } from '../auth';
import { registerAgentAdminRoutes } from './agents';
import { registerSecurityAdminRoutes } from './security';

/** Admin routes: agents, security settings, security events, audit log. */
export function registerAdminRoutes(app: FastifyInstance, opts: AuthRouteOptions): void {
  registerAgentAdminRoutes(app, opts);
  registerSecurityAdminRoutes(app, opts);
}
