import { z } from 'zod';

// ---- passkeys (WebAuthn) -------------------------------------------------------------

/** A WebAuthn response as @simplewebauthn/browser produces it; the server library checks its inside. */
const CredentialJsonSchema = z
  .object({
    id: z.string().min(1).max(1024),
    rawId: z.string().min(1).max(1024),
    type: z.literal('public-key'),
    response: z.record(z.string(), z.unknown()),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
    authenticatorAttachment: z.string().optional(),
  })
  .loose();

export const PasskeyRegisterRequestSchema = z.object({
  challengeId: z.string().min(1).max(64),
  name: z.string().trim().min(1).max(60),
  response: CredentialJsonSchema,
});
export const PasskeyAssertionRequestSchema = z.object({
  challengeId: z.string().min(1).max(64),
  response: CredentialJsonSchema,
});
export type PasskeyAssertionRequest = z.infer<typeof PasskeyAssertionRequestSchema>;

export const PasskeySchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  backedUp: z.boolean(),
});
export type Passkey = z.infer<typeof PasskeySchema>;

// ---- single sign-on (OpenID Connect) -------------------------------------------------

const RoleSchema = z.enum(['admin', 'supervisor', 'agent']);

export const SsoSettingsSchema = z.object({
  enabled: z.boolean(),
  issuer: z.string().nullable(),
  clientId: z.string().nullable(),
  clientSecretSet: z.boolean(),
  scopes: z.string(),
  roleClaim: z.string().nullable(),
  roleMap: z.record(z.string(), RoleSchema),
  defaultRole: RoleSchema,
  jit: z.boolean(),
  mfaAmr: z.array(z.string()),
  mfaAcr: z.array(z.string()),
  /** Where the IdP sends users back, and its back-channel logout URI: register both at the IdP. */
  redirectUri: z.string(),
  backchannelLogoutUri: z.string(),
  requirePasskeyForAdmins: z.boolean(),
});
export type SsoSettings = z.infer<typeof SsoSettingsSchema>;

export const UpdateSsoSettingsRequestSchema = z.object({
  enabled: z.boolean().optional(),
  issuer: z
    .string()
    .url()
    .max(500)
    .regex(/^https?:\/\//, 'an http(s) URL')
    .nullable()
    .optional(),
  clientId: z.string().trim().min(1).max(200).nullable().optional(),
  /** A new client secret; omitted keeps the current one. */
  clientSecret: z.string().min(1).max(500).optional(),
  scopes: z
    .string()
    .trim()
    .max(300)
    .regex(/^[\w:./-]+( [\w:./-]+)*$/, 'space-separated scopes')
    .optional(),
  roleClaim: z.string().trim().min(1).max(100).nullable().optional(),
  roleMap: z.record(z.string().min(1).max(200), RoleSchema).optional(),
  defaultRole: RoleSchema.optional(),
  jit: z.boolean().optional(),
  mfaAmr: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
  mfaAcr: z.array(z.string().trim().min(1).max(200)).max(20).optional(),
  requirePasskeyForAdmins: z.boolean().optional(),
});
export type UpdateSsoSettingsRequest = z.infer<typeof UpdateSsoSettingsRequestSchema>;

export const SsoStartRequestSchema = z.object({
  /** The organisation's public key (as in the widget), or the agent's e-mail domain is not guessed. */
  organisation: z.string().trim().min(1).max(100),
});
