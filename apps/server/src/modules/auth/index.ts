export {
  createAuthService,
  SESSION_TOPIC,
  LOCKOUT,
  accountKey,
  ipKey,
  type AgentContext,
  type AuthService,
  type AuthServiceDeps,
} from './service';
export { createMfaService, type MfaService } from './mfa';
export { hashPassword, verifyPassword } from './password';
export { assertStrongPassword, passwordProblem, MIN_PASSWORD_LENGTH } from './password-policy';
export {
  can,
  mfaRequired,
  ROLE_PERMISSIONS,
  PERMISSIONS,
  type AgentActor,
  type Permission,
} from './policy';
export {
  registerAuthRoutes,
  requireAgent,
  agentOf,
  SESSION_COOKIE,
  type AuthRouteOptions,
  type RequireAgentOptions,
} from './routes';
export { presentSession } from './presenter';
export { newRecoveryCodes, recoveryCodeHash } from './totp';
