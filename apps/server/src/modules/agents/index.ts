export { createAgentsService, type AgentsService, type AgentStatus } from './service';
export { registerAgentRoutes } from './routes';
export { presentAgentAdmin } from './presenter';
