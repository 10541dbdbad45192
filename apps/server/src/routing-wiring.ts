// Wires presence, teams, routing and transfer (issue 14 items 1–3; docs/routing.md) into a node.
import type { FastifyInstance } from 'fastify';
import type { Bus } from './bus';
import type { Config } from './config';
import type { Logger } from './logger';
import type { Store } from './store';
import type { AuthRouteOptions } from './modules/auth';
import type { ChatService } from './modules/chat';
import { createRoutingService, registerRoutingRoutes } from './modules/routing';
import type { ChatEventSink } from './modules/webhooks';

/** Presence links are refreshed this often; a node silent for three beats is taken as gone. */
const HEARTBEAT_MS = 10_000;

export function createRouting(deps: {
  store: Store;
  bus: Bus;
  chat: ChatService;
  log: Logger;
  config: Pick<Config, 'awayAfterSeconds' | 'routingSweepMs' | 'transferTimeoutSeconds'>;
  events?: ChatEventSink;
}) {
  const service = createRoutingService({
    ...deps,
    options: {
      awayAfterMs: deps.config.awayAfterSeconds * 1000,
      heartbeatMs: Math.min(HEARTBEAT_MS, Math.max(1000, deps.config.routingSweepMs * 2)),
      sweepMs: deps.config.routingSweepMs,
      transferTimeoutMs: deps.config.transferTimeoutSeconds * 1000,
    },
  });
  return Object.assign(service, {
    register(app: FastifyInstance, authRoutes: AuthRouteOptions): void {
      registerRoutingRoutes(app, { ...service, authRoutes });
    },
  });
}
