import type { Insertable, Selectable } from 'kysely';

/** An organisation's webhook endpoints for chat events (0038-chat-webhooks). */
export interface WebhookEndpointsTable {
  id: string;
  org_id: string;
  url: string;
  description: string;
  /** JSON array of event types. */
  events: string;
  /** The signing secret, sealed with the secrets key (never in clear). */
  secret_sealed: string;
  enabled: number;
  created_at: number;
  created_by: string;
}

/** One event for one endpoint; the body is built from `subject` (ids only) when it is sent. */
export interface WebhookDeliveriesTable {
  id: string;
  org_id: string;
  endpoint_id: string;
  event_type: string;
  /** What makes the event unique for its endpoint (a repeat of the same event is not queued twice). */
  event_key: string;
  /** JSON object of ids (conversation, seq, payment, agent): never content. */
  subject: string;
  occurred_at: number;
  status: string;
  attempts: number;
  next_at: number;
  lease_until: number | null;
  lease_owner: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

export interface WebhookTables {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export type NewWebhookEndpoint = Insertable<WebhookEndpointsTable>;
export type WebhookEndpointSelectable = Selectable<WebhookEndpointsTable>;
export type WebhookDeliverySelectable = Selectable<WebhookDeliveriesTable>;

export interface WebhookEndpointRow {
  id: string;
  orgId: string;
  url: string;
  description: string;
  events: string[];
  secretSealed: string;
  enabled: boolean;
  createdAt: number;
  createdBy: string;
}

export type WebhookDeliveryStatus = 'pending' | 'sending' | 'delivered';

export interface WebhookDeliveryRow {
  id: string;
  orgId: string;
  endpointId: string;
  eventType: string;
  subject: Record<string, string | number>;
  occurredAt: number;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAt: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

export interface NewWebhookDelivery {
  orgId: string;
  endpointId: string;
  eventType: string;
  eventKey: string;
  subject: Record<string, string | number>;
  occurredAt: number;
}

export interface WebhookRepo {
  createEndpoint(row: NewWebhookEndpoint): Promise<WebhookEndpointRow>;
  endpoints(orgId: string): Promise<WebhookEndpointRow[]>;
  endpoint(orgId: string, id: string): Promise<WebhookEndpointRow | undefined>;
  /** Enabled endpoints of the organisation subscribed to `eventType`. */
  subscribers(orgId: string, eventType: string): Promise<WebhookEndpointRow[]>;
  updateEndpoint(
    orgId: string,
    id: string,
    patch: { enabled?: boolean; events?: string[]; description?: string },
  ): Promise<WebhookEndpointRow | undefined>;
  /** Deletes an endpoint and its deliveries; false when the organisation has no such endpoint. */
  removeEndpoint(orgId: string, id: string): Promise<boolean>;
  /** Queues deliveries; one already queued for the same endpoint and event key is kept as it is. */
  enqueue(items: readonly NewWebhookDelivery[], now: number): Promise<number>;
  /** Leases due deliveries (pending and due, or sending with a lapsed lease) to `owner`. */
  claim(owner: string, now: number, leaseMs: number, limit: number): Promise<WebhookDeliveryRow[]>;
  /** Only the lease owner marks; false when the lease was lost meanwhile. */
  markDelivered(id: string, owner: string, now: number, status: number): Promise<boolean>;
  markRetry(
    id: string,
    owner: string,
    nextAt: number,
    status: number | null,
    error: string,
  ): Promise<boolean>;
  /** The newest deliveries of an endpoint, newest first. */
  deliveries(orgId: string, endpointId: string, limit: number): Promise<WebhookDeliveryRow[]>;
  /** Sends a delivery again now (delivered or not); false when the organisation has no such delivery. */
  replay(orgId: string, id: string, now: number): Promise<WebhookDeliveryRow | undefined>;
  /** Per endpoint of the organisation: deliveries not delivered, and those whose last attempt failed. */
  backlog(orgId: string): Promise<Map<string, { pending: number; failing: number }>>;
  /** Makes an endpoint's waiting deliveries due now (it was enabled again). */
  wake(orgId: string, endpointId: string, now: number): Promise<number>;
  /** Forgets delivered rows older than `before`. */
  prune(before: number): Promise<number>;
}
