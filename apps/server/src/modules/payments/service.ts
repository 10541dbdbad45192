import {
  FINAL_PAYMENT_STATUSES,
  PAYABLE_PAYMENT_STATUSES,
  ParleyError,
  type PaymentRequestBody,
  type RefundRequestBody,
} from '@parley/protocol';
import { verifyRequest } from '@parley/signing';
import { audit } from '../audit';
import { can } from '../auth';
import { topics, type Bus } from '../../bus';
import type { Logger } from '../../logger';
import type { PaymentRow, PaymentUpsert, Store } from '../../store';
import type { ChatActor, ChatService } from '../chat';
import { recordSuccess, withFailureAudit, type PaymentAct } from './audited';
import { mayPay } from './policy';
import { presentPaymentFrame } from './presenter';
import { VaultEventSchema, type VaultPayment } from './schema';
import { requestAtVault, vaultKey } from './request';
import type { VaultClient } from './vault-client';
import { createVoidQueue, type VoidQueue } from './voids';
import type { ChatEventSink } from '../webhooks';

export const DEFAULT_CURRENCIES = ['EUR', 'USD', 'GBP'];

export interface PaymentDeps {
  store: Store;
  bus: Bus;
  chat: ChatService;
  log: Logger;
  /** Undefined when no vault is configured: every payment action answers payment_unavailable. */
  vault: VaultClient | undefined;
  /** Verifies vault → server events (the vault's VAULT_SIGNING_SECRET_OUT). */
  eventSecret: string | undefined;
  /** How long a pay link stays payable. */
  expiresInSeconds?: number;
  /** Committed payment changes (webhooks, docs/webhooks.md); ids only. */
  events?: ChatEventSink;
}

type Agent = ChatActor & { kind: 'agent' };
type Visitor = ChatActor & { kind: 'visitor' };

export type PaymentService = ReturnType<typeof createPaymentService>;

function toUpsert(p: VaultPayment): PaymentUpsert {
  const ms = (iso: string) => (Number.isFinite(Date.parse(iso)) ? Date.parse(iso) : Date.now());
  return {
    id: p.id,
    orgId: p.orgId,
    conversationId: p.conversationId,
    status: p.status,
    amount: p.amount,
    currency: p.currency,
    description: p.description,
    amountRefunded: p.amountRefunded,
    brand: p.brand,
    last4: p.last4,
    gatewayReference: p.gatewayReference,
    failureMessage: p.failureMessage,
    vaultVersion: p.version,
    createdAt: ms(p.createdAt),
    updatedAt: ms(p.updatedAt),
    ...(p.attempts ? { attempts: p.attempts } : {}),
  };
}

/**
 * In-chat payments on the server's side (docs/payments.md): asks the vault to
 * create, cancel and refund payment requests, learns outcomes from its signed
 * events, keeps what an agent may know in the chat store and publishes a
 * `payment` frame on the conversation on every change.
 */
export function createPaymentService(deps: PaymentDeps) {
  const { store, bus, chat, log } = deps;

  function vault(): VaultClient {
    if (!deps.vault) throw new ParleyError('payment_unavailable');
    return deps.vault;
  }
  let voidQueue: VoidQueue | undefined;
  const voids = (): VoidQueue => (voidQueue ??= createVoidQueue({ vault: vault(), log }));

  async function publish(row: PaymentRow): Promise<void> {
    await bus.publish(topics.conversation(row.conversationId), {
      audience: 'all',
      conversationId: row.conversationId,
      frame: JSON.stringify(presentPaymentFrame(row)),
    });
  }

  /** Stores the vault's view with the act's audit entry in one transaction; publishes after the commit. */
  async function apply(
    p: VaultPayment,
    act: PaymentAct,
    createdBy: string | null = null,
  ): Promise<PaymentRow> {
    return store.transaction(async (tx) => {
      const { row, changed } = await store.payments.upsert(toUpsert(p), createdBy, tx);
      await recordSuccess(store, act, row, tx);
      if (changed) tx.afterCommit(() => publish(row));
      return row;
    });
  }

  async function currencies(orgId: string): Promise<string[]> {
    return (await store.payments.currencies(orgId)) ?? DEFAULT_CURRENCIES;
  }

  /** The payment, if the agent may see its conversation; otherwise reported as missing. */
  async function load(
    actor: Agent,
    id: string,
  ): Promise<{ row: PaymentRow; conv: Awaited<ReturnType<ChatService['authorize']>> }> {
    // Another organisation's payment is reported exactly like a missing one (store scoped by org).
    const row = await store.payments.byId(actor.orgId, id);
    if (!row) throw new ParleyError('payment_not_found');
    try {
      return { row, conv: await chat.authorize(actor, row.conversationId, 'view') };
    } catch {
      throw new ParleyError('payment_not_found');
    }
  }

  async function requestPayment(
    act: PaymentAct,
    conversationId: string,
    body: PaymentRequestBody,
  ): Promise<PaymentRow> {
    const { actor } = act;
    // Asking for money is replying: the agent must hold the conversation (or reply_any).
    const conv = await chat.authorize(actor, conversationId, 'send');
    if (!mayPay(actor, 'request', conv)) throw new ParleyError('forbidden');
    if (conv.status === 'closed') throw new ParleyError('conversation_closed');
    if (!(await currencies(actor.orgId)).includes(body.currency))
      throw new ParleyError('currency_not_allowed');
    const org = await store.orgs.byId(actor.orgId);
    if (!org) throw new ParleyError('organisation_not_found');
    // The description is text an agent typed: it is masked like a message (DESIGN.md law 1).
    const description = await chat.maskField(body.description, actor.orgId);
    const row = await requestAtVault(
      { vault: vault(), voids: voids(), apply: (p) => apply(p, act, actor.agentId) },
      {
        orgId: actor.orgId,
        conversationId,
        amount: body.amount,
        currency: body.currency,
        description,
        merchantName: org.name.slice(0, 120),
        expiresInSeconds: deps.expiresInSeconds ?? 1800,
      },
      body,
    );
    log.info(
      { orgId: actor.orgId, conversationId, paymentId: row.id, agentId: actor.agentId },
      'payment requested',
    );
    return row;
  }

  async function refundPayment(
    act: PaymentAct,
    id: string,
    body: RefundRequestBody,
  ): Promise<PaymentRow> {
    const { actor } = act;
    const { row, conv } = await load(actor, id);
    if (!mayPay(actor, 'refund', conv)) throw new ParleyError('forbidden');
    if (row.status !== 'succeeded') throw new ParleyError('invalid_payment_state');
    if (body.amount !== undefined && body.amount > row.amount - row.amountRefunded)
      throw new ParleyError('refund_exceeds_amount');
    const payment = await vault().refund(id, {
      ...(body.amount !== undefined ? { amount: body.amount } : {}),
      idempotencyKey: vaultKey(actor.orgId, 'refund', body.idempotencyKey),
    });
    const updated = await apply(payment, act);
    log.info(
      {
        orgId: actor.orgId,
        paymentId: id,
        agentId: actor.agentId,
        amount: body.amount ?? row.amount - row.amountRefunded,
      },
      'payment refunded',
    );
    return updated;
  }

  return {
    async settings(actor: Agent) {
      const org = await store.orgs.byId(actor.orgId);
      return {
        enabled: deps.vault !== undefined,
        currencies: await currencies(actor.orgId),
        merchantName: org?.name ?? '',
      };
    },

    /** settings:manage; the list is stored deduplicated, with its audit entry in the same transaction. */
    async setCurrencies(actor: Agent, list: string[], ip: string | null): Promise<string[]> {
      if (!can(actor, 'settings:manage', { orgId: actor.orgId }))
        throw new ParleyError('forbidden');
      const currencies = [...new Set(list)];
      await store.transaction(async (tx) => {
        await store.payments.setCurrencies(actor.orgId, currencies, Date.now(), tx);
        // Settings changes are audited (PCI DSS 10.2).
        await audit.record(
          store,
          {
            orgId: actor.orgId,
            actor: { kind: 'agent', id: actor.agentId },
            action: 'settings.payment_currencies',
            outcome: 'success',
            ip,
            resource: { type: 'organisation', id: actor.orgId },
            detail: { currencies: currencies.join(',') },
          },
          tx,
        );
      });
      return currencies;
    },

    /** Payment cards of a conversation the actor (agent or its own visitor) may see. */
    async list(actor: ChatActor, conversationId: string): Promise<PaymentRow[]> {
      await chat.authorize(actor, conversationId, 'view');
      return store.payments.listForConversation(actor.orgId, conversationId);
    },

    /**
     * createPaymentRequest (request.ts). Safe to retry with the same
     * idempotency key after payment_unavailable: a failed attempt is voided at
     * the vault and never becomes payable; a retry replays the live request or
     * asks again under the key's next generation (docs/payments.md).
     */
    async request(
      actor: Agent,
      conversationId: string,
      body: PaymentRequestBody,
      ip: string | null,
    ): Promise<PaymentRow> {
      const act: PaymentAct = {
        actor,
        ip,
        action: 'payment.request',
        paymentId: null,
        detail: { conversationId, amount: body.amount, currency: body.currency },
      };
      return withFailureAudit(store, act, () => requestPayment(act, conversationId, body));
    },

    async cancel(actor: Agent, id: string, ip: string | null): Promise<PaymentRow> {
      const act: PaymentAct = { actor, ip, action: 'payment.cancel', paymentId: id, detail: {} };
      return withFailureAudit(store, act, async () => {
        const { row, conv } = await load(actor, id);
        if (!mayPay(actor, 'cancel', conv)) throw new ParleyError('forbidden');
        if (FINAL_PAYMENT_STATUSES.includes(row.status))
          throw new ParleyError('invalid_payment_state');
        const updated = await apply(await vault().cancel(id), act);
        log.info({ orgId: actor.orgId, paymentId: id, agentId: actor.agentId }, 'payment canceled');
        return updated;
      });
    },

    async refund(
      actor: Agent,
      id: string,
      body: RefundRequestBody,
      ip: string | null,
    ): Promise<PaymentRow> {
      const act: PaymentAct = {
        actor,
        ip,
        action: 'payment.refund',
        paymentId: id,
        detail: { amount: body.amount ?? null },
      };
      return withFailureAudit(store, act, () => refundPayment(act, id, body));
    },
    /** A fresh single-use pay link, only for the conversation's own visitor and only while payable. */
    async payLink(
      actor: Visitor,
      conversationId: string,
      paymentId: string,
    ): Promise<{ payUrl: string; expiresAt: string }> {
      await chat.authorize(actor, conversationId, 'view');
      const row = await store.payments.byId(actor.orgId, paymentId);
      if (!row || row.conversationId !== conversationId) throw new ParleyError('payment_not_found');
      if (!PAYABLE_PAYMENT_STATUSES.includes(row.status))
        throw new ParleyError('invalid_payment_state');
      const link = await vault().link(paymentId);
      log.info({ orgId: actor.orgId, conversationId, paymentId }, 'pay link issued');
      return { payUrl: link.payUrl, expiresAt: link.expiresAt };
    },

    /**
     * A signed vault event (docs/vault.md "Vault → server events"): checked
     * over the raw body, deduplicated by id, applied only when its version is
     * newer. Events for payments this server did not create (a create it
     * reported as failed, another conversation) are acknowledged and dropped
     * so they cannot block the vault's outbox.
     */
    async handleEvent(
      rawBody: Buffer,
      path: string,
      headers: Record<string, string | string[] | undefined>,
    ): Promise<{ applied: boolean }> {
      if (!deps.eventSecret) throw new ParleyError('payment_unavailable');
      const check = verifyRequest({
        secret: deps.eventSecret,
        method: 'POST',
        path,
        body: rawBody,
        headers,
      });
      if (!check.ok) {
        log.warn({ reason: check.reason }, 'vault event refused: bad signature');
        throw new ParleyError('unauthorized', 'The signature is missing or wrong.');
      }
      let json: unknown;
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch {
        throw new ParleyError('bad_request');
      }
      const event = VaultEventSchema.parse(json);
      if (await store.payments.eventSeen(event.id)) return { applied: false };
      const p = event.payment;
      // Events update cards; only requestAtVault makes one (issue 18: a request the server
      // reported as failed never shows up from a late event).
      const known = await store.payments.byId(p.orgId, p.id);
      let applied = false;
      if (!known || known.conversationId !== p.conversationId) {
        log.warn(
          { eventId: event.id, paymentId: p.id },
          'vault event for a payment this server did not request dropped',
        );
      } else {
        const { row, changed } = await store.payments.upsert(toUpsert(p));
        applied = changed;
        if (changed) {
          await publish(row);
          deps.events?.emit({
            orgId: row.orgId,
            type: 'payment.updated',
            key: `payment:${row.id}:${row.vaultVersion}`,
            subject: { paymentId: row.id, conversationId: row.conversationId },
            occurredAt: Date.now(),
          });
        }
      }
      await store.payments.markEventSeen(event.id, p.id, Date.now());
      log.info(
        { eventId: event.id, paymentId: p.id, status: p.status, version: p.version, applied },
        'vault event',
      );
      return { applied };
    },
  };
}
