import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type {
  Database,
  WebhookDeliveryRow,
  WebhookDeliverySelectable,
  WebhookDeliveryStatus,
  WebhookEndpointRow,
  WebhookEndpointSelectable,
  WebhookRepo,
} from '../types';

const big = (n: number) => sql`CAST(${n} AS bigint)`;
// PostgreSQL returns bigint as a string.
const num = (v: number | string | null) => (v === null ? null : Number(v));

function endpointRow(r: WebhookEndpointSelectable): WebhookEndpointRow {
  return {
    id: r.id,
    orgId: r.org_id,
    url: r.url,
    description: r.description,
    events: JSON.parse(r.events) as string[],
    secretSealed: r.secret_sealed,
    enabled: Number(r.enabled) === 1,
    createdAt: Number(r.created_at),
    createdBy: r.created_by,
  };
}

function deliveryRow(r: WebhookDeliverySelectable): WebhookDeliveryRow {
  return {
    id: r.id,
    orgId: r.org_id,
    endpointId: r.endpoint_id,
    eventType: r.event_type,
    subject: JSON.parse(r.subject) as Record<string, string | number>,
    occurredAt: Number(r.occurred_at),
    status: r.status as WebhookDeliveryStatus,
    attempts: Number(r.attempts),
    nextAt: Number(r.next_at),
    lastStatus: num(r.last_status),
    lastError: r.last_error,
    createdAt: Number(r.created_at),
    deliveredAt: num(r.delivered_at),
  };
}

/**
 * Webhook endpoints and their delivery queue. As in the SIEM outbox and the
 * mail queue, every state change of a delivery is one conditional statement,
 * so any number of nodes drain the queue: a claim leases only due, unowned rows
 * (or rows whose owner's lease ran out), and only the owner marks them.
 */
export function webhooksRepo(db: Kysely<Database>, dialect: 'sqlite' | 'postgres'): WebhookRepo {
  const skipLocked = dialect === 'postgres' ? sql`FOR UPDATE SKIP LOCKED` : sql``;
  const endpoint = async (orgId: string, id: string) => {
    const r = await db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? endpointRow(r) : undefined;
  };
  return {
    async createEndpoint(row) {
      await db.insertInto('webhook_endpoints').values(row).execute();
      return (await endpoint(row.org_id, row.id)) as WebhookEndpointRow;
    },

    async endpoints(orgId) {
      const rows = await db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map(endpointRow);
    },

    endpoint,

    async subscribers(orgId, eventType) {
      const rows = await db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('enabled', '=', 1)
        .execute();
      return rows.map(endpointRow).filter((e) => e.events.includes(eventType));
    },

    async updateEndpoint(orgId, id, patch) {
      const set: { enabled?: number; events?: string; description?: string } = {};
      if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
      if (patch.events !== undefined) set.events = JSON.stringify(patch.events);
      if (patch.description !== undefined) set.description = patch.description;
      if (Object.keys(set).length > 0)
        await db
          .updateTable('webhook_endpoints')
          .set(set)
          .where('org_id', '=', orgId)
          .where('id', '=', id)
          .execute();
      return endpoint(orgId, id);
    },

    async removeEndpoint(orgId, id) {
      const res = await db
        .deleteFrom('webhook_endpoints')
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) return false;
      await db.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
      return true;
    },

    async enqueue(items, now) {
      if (items.length === 0) return 0;
      const res = await db
        .insertInto('webhook_deliveries')
        .values(
          items.map((i) => ({
            id: randomUUID(),
            org_id: i.orgId,
            endpoint_id: i.endpointId,
            event_type: i.eventType,
            event_key: i.eventKey,
            subject: JSON.stringify(i.subject),
            occurred_at: i.occurredAt,
            status: 'pending',
            attempts: 0,
            next_at: now,
            created_at: now,
          })),
        )
        .onConflict((oc) => oc.columns(['endpoint_id', 'event_key']).doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0n);
    },

    async claim(owner, now, leaseMs, limit) {
      const due = sql`((status = 'pending' AND next_at <= ${big(now)}) OR (status = 'sending' AND lease_until <= ${big(now)}))`;
      const res = await sql<WebhookDeliverySelectable>`
        UPDATE webhook_deliveries SET
          status = 'sending',
          lease_owner = ${owner},
          lease_until = ${big(now + leaseMs)},
          attempts = attempts + 1
        WHERE id IN (SELECT id FROM webhook_deliveries WHERE ${due} ORDER BY created_at, id LIMIT ${limit} ${skipLocked})
          AND ${due}
        RETURNING *`.execute(db);
      return res.rows
        .map(deliveryRow)
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    },

    async markDelivered(id, owner, now, status) {
      const res = await db
        .updateTable('webhook_deliveries')
        .set({
          status: 'delivered',
          delivered_at: now,
          lease_until: null,
          last_status: status,
          last_error: null,
        })
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .where('status', '=', 'sending')
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },

    async markRetry(id, owner, nextAt, status, error) {
      const res = await db
        .updateTable('webhook_deliveries')
        .set({
          status: 'pending',
          next_at: nextAt,
          lease_until: null,
          last_status: status,
          last_error: error.slice(0, 300),
        })
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .where('status', '=', 'sending')
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },

    async deliveries(orgId, endpointId, limit) {
      const rows = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('endpoint_id', '=', endpointId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(deliveryRow);
    },

    async replay(orgId, id, now) {
      const res = await db
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', next_at: now, lease_until: null, lease_owner: null })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) return undefined;
      const r = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? deliveryRow(r) : undefined;
    },

    async backlog(orgId) {
      const rows = await db
        .selectFrom('webhook_deliveries')
        .select((eb) => [
          'endpoint_id',
          eb.fn.countAll<number | string>().as('pending'),
          eb.fn
            .sum<number | string | null>(
              eb.case().when('last_error', 'is not', null).then(1).else(0).end(),
            )
            .as('failing'),
        ])
        .where('org_id', '=', orgId)
        .where('status', '!=', 'delivered')
        .groupBy('endpoint_id')
        .execute();
      return new Map(
        rows.map((r) => [
          r.endpoint_id,
          { pending: Number(r.pending), failing: Number(r.failing ?? 0) },
        ]),
      );
    },

    async wake(orgId, endpointId, now) {
      const res = await db
        .updateTable('webhook_deliveries')
        .set({ next_at: now })
        .where('org_id', '=', orgId)
        .where('endpoint_id', '=', endpointId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(res.numUpdatedRows);
    },

    async prune(before) {
      const res = await db
        .deleteFrom('webhook_deliveries')
        .where('status', '=', 'delivered')
        .where('delivered_at', '<', before)
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}
