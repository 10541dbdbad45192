import type { Compilable, Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { PaymentAttemptSchema, type PaymentAttempt } from '@parley/protocol';
import { parseStringArray } from '../mappers';
import type { Database, PaymentRow, PaymentsTable, PaymentsRepo, Tx } from '../types';

const columns = [
  'id',
  'org_id',
  'conversation_id',
  'status',
  'amount',
  'currency',
  'description',
  'amount_refunded',
  'brand',
  'last4',
  'gateway_reference',
  'failure_message',
  'vault_version',
  'created_by',
  'created_at',
  'updated_at',
  'attempts',
] as const;

function parseAttempts(json: string): PaymentAttempt[] {
  try {
    const parsed = z.array(PaymentAttemptSchema).safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

// Lists every field on purpose (CONVENTIONS.md "presenters list their fields").
function toPayment(r: Selectable<PaymentsTable>): PaymentRow {
  return {
    id: r.id,
    orgId: r.org_id,
    conversationId: r.conversation_id,
    status: r.status,
    amount: Number(r.amount),
    currency: r.currency,
    description: r.description,
    amountRefunded: Number(r.amount_refunded),
    brand: r.brand,
    last4: r.last4,
    gatewayReference: r.gateway_reference,
    failureMessage: r.failure_message,
    vaultVersion: Number(r.vault_version),
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    attempts: parseAttempts(r.attempts),
  };
}

/** Runs a statement in `tx` when given, else on its own. */
function run<R>(q: Compilable<R> & { execute(): Promise<R[]> }, tx: Tx | undefined): Promise<R[]> {
  return tx ? tx.execute(q) : q.execute();
}

export function paymentsRepo(db: Kysely<Database>): PaymentsRepo {
  const byId = async (orgId: string, id: string) => {
    const row = await db
      .selectFrom('payments')
      .select(columns)
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toPayment(row);
  };
  return {
    async upsert(p, createdBy = null, tx) {
      const changing = {
        status: p.status,
        amount_refunded: p.amountRefunded,
        brand: p.brand,
        last4: p.last4,
        gateway_reference: p.gatewayReference,
        failure_message: p.failureMessage,
        vault_version: p.vaultVersion,
        updated_at: p.updatedAt,
        ...(p.attempts ? { attempts: JSON.stringify(p.attempts) } : {}),
      };
      const insert = db
        .insertInto('payments')
        .values({
          ...changing,
          id: p.id,
          org_id: p.orgId,
          conversation_id: p.conversationId,
          amount: p.amount,
          currency: p.currency,
          description: p.description,
          created_by: createdBy,
          created_at: p.createdAt,
        })
        // Only a newer version of the same organisation's payment replaces the stored one.
        .onConflict((oc) =>
          oc
            .column('id')
            .doUpdateSet(changing)
            .where('payments.vault_version', '<', p.vaultVersion)
            .where('payments.org_id', '=', p.orgId),
        )
        // A row back means inserted or updated; none, an older version (or another organisation's).
        .returning('id');
      const written = await run(insert, tx);
      if (createdBy) {
        await run(
          db
            .updateTable('payments')
            .set({ created_by: createdBy })
            .where('id', '=', p.id)
            .where('org_id', '=', p.orgId)
            .where('created_by', 'is', null),
          tx,
        );
      }
      const [stored] = await run(
        db
          .selectFrom('payments')
          .select(columns)
          .where('org_id', '=', p.orgId)
          .where('id', '=', p.id),
        tx,
      );
      if (!stored) throw new Error('payment belongs to another organisation');
      return { row: toPayment(stored), changed: written.length > 0 };
    },
    byId,
    async listForConversation(orgId, conversationId) {
      const rows = await db
        .selectFrom('payments')
        .select(columns)
        .where('org_id', '=', orgId)
        .where('conversation_id', '=', conversationId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toPayment);
    },
    async eventSeen(eventId) {
      return (
        (await db
          .selectFrom('payment_events')
          .select('id')
          .where('id', '=', eventId)
          .executeTakeFirst()) !== undefined
      );
    },
    async markEventSeen(eventId, paymentId, now) {
      const result = await db
        .insertInto('payment_events')
        .values({ id: eventId, payment_id: paymentId, received_at: now })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async currencies(orgId) {
      const row = await db
        .selectFrom('payment_settings')
        .select('currencies')
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      return row ? parseStringArray(row.currencies) : undefined;
    },
    async setCurrencies(orgId, currencies, now, tx) {
      const json = JSON.stringify(currencies);
      await run(
        db
          .insertInto('payment_settings')
          .values({ org_id: orgId, currencies: json, updated_at: now })
          .onConflict((oc) =>
            oc.column('org_id').doUpdateSet({ currencies: json, updated_at: now }),
          ),
        tx,
      );
    },
  };
}
