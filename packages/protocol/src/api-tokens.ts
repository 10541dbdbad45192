import { z } from 'zod';
import { SendFrameSchema } from './realtime';

/**
 * What an API token may be granted (docs/api.md): every role permission but
 * one. The server's permissions (modules/auth/policy.ts) are these and
 * `api_token:manage`, which no token holds, so a token never mints or extends
 * tokens. A new permission is added here.
 */
export const API_TOKEN_SCOPES = [
  'conversation:read',
  'conversation:accept',
  'conversation:reply',
  'conversation:reply_any',
  'conversation:close',
  'conversation:close_any',
  'payment:request',
  'payment:cancel',
  'payment:refund',
  'agent:manage',
  'settings:manage',
  'audit:read',
  'security_event:read',
  'report:read',
] as const;
export const ApiTokenScopeSchema = z.enum(API_TOKEN_SCOPES);
export type ApiTokenScope = z.infer<typeof ApiTokenScopeSchema>;

/** Tokens always expire; a year at most (default 90 days). */
export const API_TOKEN_MAX_DAYS = 365;

export const ApiTokenCreateRequestSchema = z.object({
  name: z.string().trim().min(1).max(80),
  scopes: z
    .array(ApiTokenScopeSchema)
    .min(1)
    .max(API_TOKEN_SCOPES.length)
    .refine((s) => new Set(s).size === s.length, 'a scope is listed twice'),
  expiresInDays: z.number().int().min(1).max(API_TOKEN_MAX_DAYS).default(90),
});
export type ApiTokenCreateRequest = z.infer<typeof ApiTokenCreateRequestSchema>;

export const ApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The token's first characters, to tell tokens apart; never enough to use it. */
  prefix: z.string(),
  scopes: z.array(ApiTokenScopeSchema),
  createdBy: z.object({ id: z.string(), name: z.string().nullable() }),
  createdAt: z.number(),
  expiresAt: z.number(),
  lastUsedAt: z.number().nullable(),
  lastUsedIp: z.string().nullable(),
  revokedAt: z.number().nullable(),
  status: z.enum(['active', 'expired', 'revoked']),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;

export const ApiTokenListSchema = z.object({ tokens: z.array(ApiTokenSchema) });
/** The answer to a creation: the only time the secret is shown. */
export const ApiTokenCreatedSchema = z.object({ token: ApiTokenSchema, secret: z.string() });
export type ApiTokenCreated = z.infer<typeof ApiTokenCreatedSchema>;

/** An agent's reply over REST (an API token's "send messages"); the same rules as the socket's send. */
export const AgentSendRequestSchema = SendFrameSchema.pick({ clientMsgId: true, text: true });
export const AgentSendResultSchema = z.object({ seq: z.number().int(), duplicate: z.boolean() });
