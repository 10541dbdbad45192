import { z } from 'zod';

/**
 * Outgoing webhooks for chat events (docs/webhooks.md). An organisation's
 * endpoints receive signed POSTs for the events they subscribe to; each
 * delivery is retried until the receiver answers 2xx and can be inspected and
 * replayed. Message text in a payload is the masked text agents see.
 */
export const WEBHOOK_EVENT_TYPES = [
  'conversation.started',
  'conversation.assigned',
  'conversation.transferred',
  'conversation.closed',
  'message.created',
  'conversation.rated',
  'payment.updated',
] as const;
export const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventTypeSchema>;

/** At most this many endpoints per organisation. */
export const WEBHOOK_MAX_ENDPOINTS = 10;

export const WebhookCreateRequestSchema = z.object({
  url: z
    .string()
    .trim()
    .max(2000)
    .url()
    .refine((u) => /^https?:\/\//i.test(u), 'the address must start with https:// or http://'),
  description: z.string().trim().max(120).default(''),
  events: z
    .array(WebhookEventTypeSchema)
    .min(1)
    .max(WEBHOOK_EVENT_TYPES.length)
    .refine((s) => new Set(s).size === s.length, 'an event is listed twice'),
});
export type WebhookCreateRequest = z.infer<typeof WebhookCreateRequestSchema>;

export const WebhookUpdateRequestSchema = z.object({
  enabled: z.boolean().optional(),
  events: WebhookCreateRequestSchema.shape.events.optional(),
  description: WebhookCreateRequestSchema.shape.description.optional(),
});
export type WebhookUpdateRequest = z.infer<typeof WebhookUpdateRequestSchema>;

export const WebhookEndpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  events: z.array(WebhookEventTypeSchema),
  enabled: z.boolean(),
  createdAt: z.number(),
  /** Deliveries not yet taken by the receiver (waiting or retrying). */
  pending: z.number(),
  /** Deliveries that failed at their last attempt and wait for a retry. */
  failing: z.number(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;

export const WebhookListSchema = z.object({ endpoints: z.array(WebhookEndpointSchema) });

/** The signing secret is shown once, when the endpoint is created. */
export const WebhookCreatedSchema = z.object({
  endpoint: WebhookEndpointSchema,
  secret: z.string(),
});

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'sending', 'delivered'] as const;
export const WebhookDeliverySchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  event: WebhookEventTypeSchema.or(z.literal('ping')),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.number(),
  /** The receiver's HTTP status at the last attempt (null: no answer). */
  lastStatus: z.number().nullable(),
  /** Why the last attempt failed, in words (never the receiver's body). */
  lastError: z.string().nullable(),
  createdAt: z.number(),
  nextAt: z.number().nullable(),
  deliveredAt: z.number().nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const WebhookDeliveryListSchema = z.object({ deliveries: z.array(WebhookDeliverySchema) });

/** The body Parley posts (the `data` shape depends on `type`; see docs/webhooks.md). */
export const WebhookPayloadSchema = z.object({
  /** The delivery's id: the same on every retry and replay, so a receiver can fold repeats. */
  id: z.string(),
  type: WebhookEventTypeSchema.or(z.literal('ping')),
  orgId: z.string(),
  occurredAt: z.number(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookPayload = z.infer<typeof WebhookPayloadSchema>;
