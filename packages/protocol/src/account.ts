import { z } from 'zod';
import { AgentAdminViewSchema } from './security';

// ---- account self-service (issue 10 items 2, 14, 15) -------------------------------

export const UpdateProfileRequestSchema = z.object({
  name: z.string().trim().min(1).max(80),
});

/** One of the agent's own live sessions, as the profile page lists them. */
export const AccountSessionSchema = z.object({
  /** An opaque id (not the token, not its stored hash). */
  id: z.string(),
  current: z.boolean(),
  /** "Firefox on Linux", from the User-Agent at sign-in; "Unknown device" when none was sent. */
  device: z.string(),
  ip: z.string().nullable(),
  createdAt: z.number().int(),
  lastSeenAt: z.number().int(),
  locked: z.boolean(),
});
export type AccountSession = z.infer<typeof AccountSessionSchema>;
export const AccountSessionListSchema = z.object({ sessions: z.array(AccountSessionSchema) });

export const UnlockSessionRequestSchema = z.object({ password: z.string().min(1).max(1024) });

/** What a locked console may still learn: how many chats wait (it plays a sound when the count rises). */
export const WaitingCountSchema = z.object({ waiting: z.number().int().min(0) });

export const UnlockLinkRequestSchema = z.object({
  email: z.string().trim().toLowerCase().max(254),
});
export const UnlockLinkUseRequestSchema = z.object({ token: z.string().min(20).max(200) });
/** Whether this installation can e-mail unlock links (SMTP configured); the same for every account. */
export const UnlockLinkAvailabilitySchema = z.object({ available: z.boolean() });

export const PasswordResetResponseSchema = z.object({
  agent: AgentAdminViewSchema,
  /** Shown once to the admin; the agent must replace it at first sign-in (72 hours). */
  oneTimePassword: z.string(),
});
