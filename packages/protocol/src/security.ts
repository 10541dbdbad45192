import { z } from 'zod';

/**
 * Agent access security on the wire: the two-step sign-in, MFA enrolment,
 * agent management, organisation security settings, security events and the
 * audit log (docs/security.md).
 */

// Not imported from rest.ts: rest → realtime → security would be an import cycle.
const RoleSchema = z.enum(['admin', 'supervisor', 'agent']);

/** Where a session stands: `ok` may use everything its role allows; the others may only finish signing in. */
export const SessionStageSchema = z.enum(['ok', 'mfa_verify', 'mfa_enrol', 'password_change']);
export type SessionStage = z.infer<typeof SessionStageSchema>;

export const MfaVerifyRequestSchema = z.object({
  /** A 6-digit TOTP code, or a recovery code (xxxx-xxxx-xxxx). */
  code: z.string().trim().min(6).max(32),
});
export const MfaEnrolmentSchema = z.object({
  secret: z.string(),
  otpauthUrl: z.string(),
  /** PNG QR code of otpauthUrl as a data: URL. */
  qrDataUrl: z.string(),
});
export type MfaEnrolment = z.infer<typeof MfaEnrolmentSchema>;
export const MfaConfirmRequestSchema = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'a 6-digit code'),
});
export const RecoveryCodesSchema = z.object({ recoveryCodes: z.array(z.string()) });

/** Step-up: the current password and, when the agent has one, a current second-factor code. */
export const StepUpRequestSchema = z.object({
  password: z.string().min(1).max(1024),
  code: z.string().trim().min(6).max(32).optional(),
});
export const StepUpResponseSchema = z.object({ validUntil: z.number().int() });

export const PasswordChangeRequestSchema = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(1).max(1024),
});

// ---- agents (admin) ------------------------------------------------------------

export const AgentAdminViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  active: z.boolean(),
  mfaEnabled: z.boolean(),
  locked: z.boolean(),
  createdAt: z.number().int(),
});
export type AgentAdminView = z.infer<typeof AgentAdminViewSchema>;

export const InviteAgentRequestSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  name: z.string().trim().min(1).max(80),
  role: RoleSchema,
});
export const InviteAgentResponseSchema = z.object({
  agent: AgentAdminViewSchema,
  /** Shown once; the agent must choose a new password at first sign-in. */
  oneTimePassword: z.string(),
});
export const UpdateAgentRequestSchema = z.object({
  role: RoleSchema.optional(),
  active: z.boolean().optional(),
});

// ---- organisation security settings ------------------------------------------------

export const MfaPolicySchema = z.enum(['admins', 'all']);
export const SecuritySettingsSchema = z.object({
  mfaPolicy: z.enum(['admins', 'all', 'none']),
  ipAllowlist: z.array(z.string()),
  webhookUrl: z.string().nullable(),
  webhookSecretSet: z.boolean(),
  /** Idle timeout in minutes; null: the installation's default (15, PCI DSS 8.2.8). */
  idleMinutes: z.number().int().nullable(),
});
export type SecuritySettings = z.infer<typeof SecuritySettingsSchema>;
export const UpdateSecuritySettingsRequestSchema = z.object({
  mfaPolicy: MfaPolicySchema.optional(),
  ipAllowlist: z.array(z.string().trim().min(1).max(64)).max(200).optional(),
  webhookUrl: z
    .string()
    .url()
    .max(2000)
    .regex(/^https?:\/\//, 'an http(s) URL')
    .nullable()
    .optional(),
  /** Set a new webhook secret (min 16 characters); omitted keeps the current one. */
  webhookSecret: z.string().min(16).max(256).optional(),
  /** Idle timeout in minutes (PCI DSS 8.2.8: at most 15 for card-handling staff). */
  idleMinutes: z.number().int().min(1).max(15).optional(),
});

// ---- security events ---------------------------------------------------------------

export const SecurityEventTypeSchema = z.enum([
  'ip_blocked',
  'account_locked',
  'ip_locked',
  'mfa_failed',
  'session_forged',
  'sign_in_failed',
  'allowlist_closed',
  'challenge_failed',
  'webhook_suppressed',
  'account_unlocked',
  'file_blocked',
  'passkey_clone',
  'identity_forged',
  'blocked_retry',
  'rate_limit_storm',
  'session_burst',
  'card_testing',
]);
export type SecurityEventType = z.infer<typeof SecurityEventTypeSchema>;
export const SecurityEventSchema = z.object({
  id: z.string(),
  type: SecurityEventTypeSchema,
  agentId: z.string().nullable(),
  ip: z.string().nullable(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  createdAt: z.number().int(),
});
export type SecurityEvent = z.infer<typeof SecurityEventSchema>;
export const SecurityEventFrameSchema = z.object({
  type: z.literal('security_event'),
  event: SecurityEventSchema,
});
export const SecurityEventListSchema = z.object({
  events: z.array(SecurityEventSchema),
  counts: z.record(z.string(), z.number()),
});

// ---- audit log -----------------------------------------------------------------------

export const AuditQuerySchema = z.object({
  action: z.string().max(64).optional(),
  actorId: z.string().max(64).optional(),
  outcome: z.enum(['success', 'failure']).optional(),
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  beforeSeq: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const AuditEntrySchema = z.object({
  seq: z.number().int(),
  at: z.number().int(),
  actorKind: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  outcome: z.string(),
  ip: z.string().nullable(),
  resourceType: z.string().nullable(),
  resourceId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  hash: z.string(),
});
export type AuditEntryView = z.infer<typeof AuditEntrySchema>;
export const AuditListSchema = z.object({ entries: z.array(AuditEntrySchema) });
