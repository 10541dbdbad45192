import type { WebhookDelivery, WebhookEndpoint, WebhookEventType } from '@parley/protocol';
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../../store';

export function presentWebhookEndpoint(
  row: WebhookEndpointRow,
  backlog: { pending: number; failing: number } = { pending: 0, failing: 0 },
): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events as WebhookEventType[],
    enabled: row.enabled,
    createdAt: row.createdAt,
    pending: backlog.pending,
    failing: backlog.failing,
  };
}

export function presentWebhookDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpointId,
    event: row.eventType as WebhookDelivery['event'],
    status: row.status,
    attempts: row.attempts,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    createdAt: row.createdAt,
    nextAt: row.status === 'delivered' ? null : row.nextAt,
    deliveredAt: row.deliveredAt,
  };
}
