export {
  createAuthService,
  SESSION_TOPIC,
  ONE_TIME_PASSWORD_MS,
  type AgentContext,
  type AuthService,
  type AuthServiceDeps,
} from './service';
export {
  LOCKOUT,
  POW_AFTER_FAILURES,
  accountKey,
  emailKey,
  ipKey,
  createAttempts,
  type Attempts,
} from './attempts';
export {
  createAdmission,
  type Admission,
  type AdmissionRequest,
  type TokenAdmission,
} from './admission';
export { createProofOfWork, type ProofOfWork } from './challenge';
export { STEP_UP_MS } from './step-up';
export { createSessionLock, type SessionLock } from './session-lock';
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
  agentRouteOf,
  agentOf,
  SESSION_COOKIE,
  sessionCookieName,
  type AuthRouteOptions,
  type RequireAgentOptions,
} from './routes';
export { presentSession } from './presenter';
export { newRecoveryCodes, recoveryCodeHash } from './totp';
export { createPasskeyService, presentPasskey, type PasskeyService } from './passkeys';
export { registerPasskeyRoutes } from './passkey-routes';
export { createOidcService, mapRole, idpMfaSatisfied, type OidcService } from './oidc';
export { registerOidcRoutes } from './oidc-routes';
