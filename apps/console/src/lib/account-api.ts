import { z } from 'zod';
import {
  AccountSessionListSchema,
  PasswordResetResponseSchema,
  RecoveryCodesSchema,
  SessionInfoSchema,
  UnlockLinkAvailabilitySchema,
  WaitingCountSchema,
} from '@parley/protocol';
import type { AccountSession, SessionInfo } from '@parley/protocol';
import { call } from './api';

const MfaStatusSchema = z.object({ enabled: z.boolean(), recoveryCodesLeft: z.number().int() });
const enc = encodeURIComponent;

/** The profile page, the idle lock and e-mailed unlock links (docs/security.md "Self-service"). */
export const accountApi = {
  rename: (name: string): Promise<SessionInfo> =>
    call(SessionInfoSchema, '/api/account', 'PATCH', { name }),
  sessions: async (): Promise<AccountSession[]> =>
    (await call(AccountSessionListSchema, '/api/account/sessions')).sessions,
  endSession: async (id: string): Promise<void> => {
    await call(null, `/api/account/sessions/${enc(id)}`, 'DELETE');
  },
  endOtherSessions: async (): Promise<void> => {
    await call(null, '/api/account/sessions/end-others', 'POST', {});
  },
  mfaStatus: () => call(MfaStatusSchema, '/api/auth/mfa'),
  disableMfa: async (): Promise<void> => {
    await call(null, '/api/auth/mfa', 'DELETE');
  },
  regenerateRecoveryCodes: async (): Promise<string[]> =>
    (await call(RecoveryCodesSchema, '/api/auth/mfa/recovery-codes', 'POST', {})).recoveryCodes,

  waiting: async (): Promise<number> =>
    (await call(WaitingCountSchema, '/api/account/waiting')).waiting,
  lock: async (): Promise<void> => {
    await call(null, '/api/auth/lock', 'POST', {});
  },
  unlockSession: (password: string): Promise<SessionInfo> =>
    call(SessionInfoSchema, '/api/auth/unlock-session', 'POST', { password }),

  unlockLinkAvailable: async (): Promise<boolean> =>
    (await call(UnlockLinkAvailabilitySchema, '/api/auth/unlock-link')).available,
  requestUnlockLink: async (email: string): Promise<void> => {
    await call(null, '/api/auth/unlock-link', 'POST', { email });
  },
  useUnlockLink: async (token: string): Promise<void> => {
    await call(null, '/api/auth/unlock-link/use', 'POST', { token });
  },

  resetPassword: (agentId: string) =>
    call(PasswordResetResponseSchema, `/api/agents/${enc(agentId)}/password/reset`, 'POST', {}),
};
