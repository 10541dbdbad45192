import { z } from 'zod';
import { ChatMessageSchema, ConversationStatusSchema, ConversationSummarySchema } from './realtime';
import { ConsentGivenSchema, WidgetConsentSchema } from './privacy';
import { WidgetBrandingSchema } from './branding';

/** REST bodies. Every route validates its input with one of these. */

export const HealthSchema = z.object({ status: z.literal('ok'), version: z.string() });

// ---- visitor ---------------------------------------------------------------

export const WidgetConfigSchema = z.object({
  orgKey: z.string(),
  orgName: z.string(),
  greeting: z.string(),
  /** Identity verification (docs/widget.md "Verified visitors"): off, optional or required. */
  identity: z.enum(['off', 'optional', 'required']).default('off'),
  /** Pre-chat consent (issue 12 item 1, docs/privacy.md); absent from older servers. */
  consent: WidgetConsentSchema.optional(),
  /** Someone who could answer is online (for the asked team, when one is named). */
  available: z.boolean().default(true),
  /** Teams the visitor may pick before the chat (docs/routing.md). */
  teams: z.array(z.object({ id: z.string(), name: z.string() })).default([]),
  /**
   * Proof of work on session creation (docs/widget.md "Proof of work"): with `always` the frame
   * solves one ahead as it loads; with `auto` only when session creation answers
   * `visitor_challenge_required`; absent from older servers (then: only when asked).
   */
  proofOfWork: z.enum(['off', 'always', 'auto']).default('off'),
  /** The organisation's branding (docs/widget.md "Branding"); absent from older servers. */
  branding: WidgetBrandingSchema.optional(),
});
export type WidgetConfig = z.infer<typeof WidgetConfigSchema>;

export const VisitorSessionRequestSchema = z.object({
  orgKey: z.string().min(1).max(64),
  name: z.string().trim().min(1).max(80).optional(),
  /** A host-signed identity JWT (docs/widget.md "Verified visitors"). */
  identity: z.string().min(16).max(8192).optional(),
  /** A solved proof-of-work challenge (base64 JSON), when the server asked for one (428). */
  altcha: z.string().min(1).max(4096).optional(),
});
export const VisitorSessionSchema = z.object({
  token: z.string(),
  visitorId: z.string(),
  expiresAt: z.number().int(),
  verified: z.boolean().default(false),
});
export type VisitorSession = z.infer<typeof VisitorSessionSchema>;

export const StartConversationRequestSchema = z.object({
  name: z.string().trim().min(1).max(80).optional(),
  /** The consent version the visitor accepted (required when the organisation requires consent). */
  consent: ConsentGivenSchema.optional(),
  /** The team the website (loader `data-team`) or the visitor's pre-chat choice picked. */
  teamId: z.string().min(1).max(64).optional(),
});

export const VisitorConversationSchema = z.object({
  id: z.string(),
  status: ConversationStatusSchema,
  lastSeq: z.number().int(),
  createdAt: z.number().int(),
});
export type VisitorConversation = z.infer<typeof VisitorConversationSchema>;

// ---- agent -----------------------------------------------------------------

export const RoleSchema = z.enum(['admin', 'supervisor', 'agent']);
export type Role = z.infer<typeof RoleSchema>;

export const LoginRequestSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(1024),
  /** A solved ALTCHA challenge (base64 JSON {challenge, solution}), when sign-in asked for one. */
  altcha: z.string().max(4096).optional(),
});

export const AgentSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
});
export type Agent = z.infer<typeof AgentSchema>;

export const SessionInfoSchema = z.object({
  agent: AgentSchema,
  organisation: z.object({ id: z.string(), name: z.string(), key: z.string() }),
  csrfToken: z.string(),
  /** Sign-in stage (docs/security.md); absent from older servers means `ok`. */
  stage: z.enum(['ok', 'mfa_verify', 'mfa_enrol', 'password_change']).optional(),
  /** The session's idle timeout in minutes (the organisation's, PCI DSS 8.2.8); the console warns before it. */
  idleMinutes: z.number().int().optional(),
  /** Locked by the idle timeout: the console shows only its lock screen until the password is given again. */
  locked: z.boolean().optional(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

export const ConversationListQuerySchema = z.object({
  status: ConversationStatusSchema.optional(),
});
export const ConversationListSchema = z.object({
  conversations: z.array(ConversationSummarySchema),
});

export const MessageListQuerySchema = z.object({
  afterSeq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export const MessageListSchema = z.object({ messages: z.array(ChatMessageSchema) });

export const ConversationEnvelopeSchema = z.object({ conversation: ConversationSummarySchema });

// ---- verified visitors (issue 11 item 1) ----------------------------------------------

export const VisitorIdentityModeSchema = z.enum(['off', 'optional', 'required']);
export const VisitorIdentityAlgorithmSchema = z.enum(['HS256', 'RS256', 'ES256']);
export const VisitorIdentitySettingsSchema = z.object({
  mode: VisitorIdentityModeSchema,
  algorithm: VisitorIdentityAlgorithmSchema,
  /** An HS256 secret is set (it is shown once, when generated, never again). */
  hasSecret: z.boolean(),
  publicKey: z.string().nullable(),
  issuer: z.string(),
  audience: z.string(),
  updatedAt: z.number().int(),
});
export type VisitorIdentitySettings = z.infer<typeof VisitorIdentitySettingsSchema>;
export const VisitorIdentitySettingsUpdateSchema = z.object({
  mode: VisitorIdentityModeSchema,
  algorithm: VisitorIdentityAlgorithmSchema,
  publicKey: z.string().trim().max(8192).optional(),
  issuer: z.string().trim().max(300),
  audience: z.string().trim().min(1).max(300).optional(),
});
export const VisitorIdentitySecretSchema = z.object({ secret: z.string() });
export const VerifiedVisitorSchema = z.object({
  verified: z.boolean(),
  sub: z.string().nullable(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  verifiedAt: z.number().int().nullable(),
});
export type VerifiedVisitor = z.infer<typeof VerifiedVisitorSchema>;
