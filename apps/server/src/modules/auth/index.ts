export { createAuthService, type AgentContext, type AuthService } from './service';
export { hashPassword, verifyPassword } from './password';
export { can, ROLE_PERMISSIONS, PERMISSIONS, type AgentActor, type Permission } from './policy';
export { registerAuthRoutes, requireAgent, agentOf, SESSION_COOKIE, type AuthRouteOptions } from './routes';
export { presentSession } from './presenter';
