import { z } from 'zod';
import { LIMITS } from './limits';

/**
 * Offline mode (docs/feedback.md "Offline mode"): business hours with a time zone, whether
 * anyone can answer now, and the "leave a message" form that becomes a queued conversation.
 */

const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');

/** One opening span of a day, local time in the organisation's time zone; `to` after `from`. */
export const OpeningSpanSchema = z
  .object({ from: Time, to: Time.or(z.literal('24:00')) })
  .refine((s) => s.from < s.to, { message: '`to` must be after `from`' });
export type OpeningSpan = z.infer<typeof OpeningSpanSchema>;

/** An IANA time zone the runtime knows ("Europe/Berlin"). */
export const TimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a known IANA time zone' },
  );

export const BusinessHoursSchema = z.object({
  /** Off: open around the clock (only "is anyone signed in" decides). */
  enabled: z.boolean(),
  timeZone: TimeZoneSchema,
  /** Monday first; an empty day is closed. */
  week: z.array(z.array(OpeningSpanSchema).max(4)).length(7),
  /** What the widget says when nobody can answer; empty: the default text. */
  offlineText: z.string().trim().max(300),
});
export type BusinessHours = z.infer<typeof BusinessHoursSchema>;

export const BusinessHoursEnvelopeSchema = z.object({ hours: BusinessHoursSchema });

/** `GET /api/widget/availability`: whether someone can answer now, and what the widget shows. */
export const AvailabilitySchema = z.object({
  available: z.boolean(),
  /** open: someone can answer; closed: outside business hours; away: nobody signed in. */
  reason: z.enum(['open', 'closed', 'away']),
  offlineText: z.string(),
  /** The leave-a-message form is offered (e-mail is set up, so a reply can reach the customer). */
  leaveMessage: z.boolean(),
});
export type Availability = z.infer<typeof AvailabilitySchema>;

/** `POST /api/visitor/offline-message`: the "leave a message" form. */
export const OfflineMessageRequestSchema = z.object({
  orgKey: z.string().min(1).max(64),
  name: z.string().trim().min(1).max(80),
  email: z.string().trim().toLowerCase().email().max(254),
  message: z.string().trim().min(1).max(LIMITS.maxTextLength),
  /** The customer agreed that their details are kept to answer them (GDPR art. 6(1)(a)). */
  consent: z.literal(true, { error: 'consent is required' }),
});
export type OfflineMessageRequest = z.infer<typeof OfflineMessageRequestSchema>;

/** `POST /api/visitor/continue`: the token of the link in a reply e-mail. */
export const ContinueRequestSchema = z.object({
  orgKey: z.string().min(1).max(64),
  token: z.string().min(16).max(256),
});
export type ContinueRequest = z.infer<typeof ContinueRequestSchema>;

/** A conversation's contact from the offline form, for agents: where replies go by e-mail. */
export const ConversationContactSchema = z.object({
  contact: z.object({ email: z.string(), consentAt: z.number().int() }).nullable(),
});
