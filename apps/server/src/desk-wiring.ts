// Wires the agent's desk (issue 14; docs/desk.md) into a node: notes, canned replies, supervisors joining,
// notification settings and read state.
import type { FastifyInstance } from 'fastify';
import type { Bus } from './bus';
import type { Logger } from './logger';
import type { Store } from './store';
import type { AuthRouteOptions } from './modules/auth';
import type { ChatService } from './modules/chat';
import {
  createCannedService,
  createNotesService,
  createNotificationsService,
  createSuperviseService,
  registerDeskRoutes,
} from './modules/desk';

export function createDesk(deps: {
  app: FastifyInstance;
  store: Store;
  bus: Bus;
  chat: ChatService;
  log: Logger;
  authRoutes: AuthRouteOptions;
}) {
  const notes = createNotesService(deps);
  const canned = createCannedService(deps);
  const supervise = createSuperviseService(deps);
  const notifications = createNotificationsService(deps);
  registerDeskRoutes(deps.app, {
    notes,
    canned,
    supervise,
    notifications,
    authRoutes: deps.authRoutes,
  });
  return { notes, canned, supervise, notifications };
}
