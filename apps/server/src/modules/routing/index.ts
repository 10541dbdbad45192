export {
  createRoutingService,
  isAnyAgentAvailable,
  type RoutingService,
  type RoutingOptions,
} from './service';
export { registerRoutingRoutes } from './routes';
export { routingAllowed, type RoutingAction } from './policy';
export { presentPresence, presentTeam, presentTransfer, effectiveStatus } from './presenter';
export { rankCandidates, ROUTING_TOPIC } from './router';
export type { PresenceService } from './presence';
export type { TeamsService } from './teams';
export type { TransferService } from './transfer';
