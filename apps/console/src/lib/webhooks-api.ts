import {
  WebhookCreatedSchema,
  WebhookDeliveryListSchema,
  WebhookListSchema,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEventType,
} from '@parley/protocol';
import { z } from 'zod';
import { call } from './api';

const id = (s: string) => encodeURIComponent(s);

/** `/api/webhooks` (apps/server/src/modules/webhooks/routes.ts). */
export const webhooksApi = {
  list: async (): Promise<WebhookEndpoint[]> =>
    (await call(WebhookListSchema, '/api/webhooks')).endpoints,
  /** The answer carries the signing secret: the only time it is shown. */
  create: (input: { url: string; description: string; events: WebhookEventType[] }) =>
    call(WebhookCreatedSchema, '/api/webhooks', 'POST', input),
  setEnabled: async (endpointId: string, enabled: boolean): Promise<void> => {
    await call(null, `/api/webhooks/${id(endpointId)}`, 'PATCH', { enabled });
  },
  remove: async (endpointId: string): Promise<void> => {
    await call(null, `/api/webhooks/${id(endpointId)}`, 'DELETE');
  },
  deliveries: async (endpointId: string): Promise<WebhookDelivery[]> =>
    (await call(WebhookDeliveryListSchema, `/api/webhooks/${id(endpointId)}/deliveries`))
      .deliveries,
  ping: async (endpointId: string): Promise<void> => {
    await call(z.object({ queued: z.boolean() }), `/api/webhooks/${id(endpointId)}/ping`, 'POST');
  },
  replay: async (deliveryId: string): Promise<void> => {
    await call(null, `/api/webhooks/deliveries/${id(deliveryId)}/replay`, 'POST');
  },
};
