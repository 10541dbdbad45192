import { z } from 'zod';
import {
  AgentAdminViewSchema,
  AuditListSchema,
  InviteAgentResponseSchema,
  MfaEnrolmentSchema,
  RecoveryCodesSchema,
  SecurityEventListSchema,
  SecuritySettingsSchema,
  SessionInfoSchema,
} from '@parley/protocol';
import type {
  AgentAdminView,
  AuditEntryView,
  MfaEnrolment,
  Role,
  SecurityEvent,
  SecuritySettings,
  SessionInfo,
} from '@parley/protocol';
import { call } from './api';

const AgentListSchema = z.object({ agents: z.array(AgentAdminViewSchema) });
const AgentEnvelopeSchema = z.object({ agent: AgentAdminViewSchema });
const ConfirmSchema = RecoveryCodesSchema.extend({ session: SessionInfoSchema });

/** Sign-in steps, MFA and the admin pages (docs/security.md). */
export const securityApi = {
  verifyMfa: (code: string): Promise<SessionInfo> =>
    call(SessionInfoSchema, '/api/auth/mfa/verify', 'POST', { code }),
  startEnrolment: (): Promise<MfaEnrolment> =>
    call(MfaEnrolmentSchema, '/api/auth/mfa/enrol', 'POST', {}),
  confirmEnrolment: (code: string): Promise<{ recoveryCodes: string[]; session: SessionInfo }> =>
    call(ConfirmSchema, '/api/auth/mfa/enrol/confirm', 'POST', { code }),
  changePassword: (currentPassword: string, newPassword: string): Promise<SessionInfo> =>
    call(SessionInfoSchema, '/api/auth/password', 'POST', { currentPassword, newPassword }),
  logoutEverywhere: async (): Promise<void> => {
    await call(null, '/api/auth/logout-all', 'POST', {});
  },

  agents: async (): Promise<AgentAdminView[]> =>
    (await call(AgentListSchema, '/api/agents')).agents,
  invite: (input: { email: string; name: string; role: Role }) =>
    call(InviteAgentResponseSchema, '/api/agents', 'POST', input),
  updateAgent: async (
    id: string,
    patch: { role?: Role; active?: boolean },
  ): Promise<AgentAdminView> =>
    (await call(AgentEnvelopeSchema, `/api/agents/${encodeURIComponent(id)}`, 'PATCH', patch))
      .agent,
  unlock: async (id: string): Promise<AgentAdminView> =>
    (await call(AgentEnvelopeSchema, `/api/agents/${encodeURIComponent(id)}/unlock`, 'POST', {}))
      .agent,
  resetMfa: async (id: string): Promise<AgentAdminView> =>
    (await call(AgentEnvelopeSchema, `/api/agents/${encodeURIComponent(id)}/mfa/reset`, 'POST', {}))
      .agent,

  settings: (): Promise<SecuritySettings> => call(SecuritySettingsSchema, '/api/security/settings'),
  saveSettings: (patch: {
    mfaPolicy?: 'admins' | 'all';
    ipAllowlist?: string[];
    webhookUrl?: string | null;
    webhookSecret?: string;
    idleMinutes?: number;
  }): Promise<SecuritySettings> =>
    call(SecuritySettingsSchema, '/api/security/settings', 'PUT', patch),
  events: (): Promise<{ events: SecurityEvent[]; counts: Record<string, number> }> =>
    call(SecurityEventListSchema, '/api/security/events'),
  audit: async (filter: Record<string, string>): Promise<AuditEntryView[]> => {
    const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== '')).toString();
    return (await call(AuditListSchema, `/api/audit${q ? `?${q}` : ''}`)).entries;
  },
};
