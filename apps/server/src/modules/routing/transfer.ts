import {
  ParleyError,
  talkingToText,
  type TransferFrame,
  type TransferRequest,
} from '@parley/protocol';
import { topics, type Bus } from '../../bus';
import type { Logger } from '../../logger';
import type { Store, TransferRow } from '../../store';
import { audit } from '../audit';
import { can, type AgentActor } from '../auth';
import type { ChatActor, ChatService } from '../chat';
import type { PresenceService } from './presence';
import { routingAllowed } from './policy';
import { presentTransfer } from './presenter';
import { ROUTING_TOPIC } from './router';
import type { ChatEventSink } from '../webhooks';

type Agent = ChatActor & AgentActor;

/**
 * Transfer (issue 14 item 3). The agent who has a conversation (or a supervisor) offers it to an
 * agent or a team with a note; the conversation stays with the sender until the receiver (the
 * agent, or any member of the team) accepts; a decline or no answer within the timeout leaves it
 * where it was ("returns"). Every step is in the conversation's transfer history (agents only),
 * audited, and an acceptance tells the visitor "You are now talking to …".
 */
export function createTransferService(deps: {
  store: Store;
  bus: Bus;
  chat: ChatService;
  presence: PresenceService;
  log: Logger;
  timeoutMs: number;
  /** Committed chat events (webhooks); ids only. */
  events?: ChatEventSink;
}) {
  const { store, bus, chat, presence, log } = deps;

  async function publish(row: TransferRow): Promise<void> {
    const frame: TransferFrame = {
      type: 'transfer',
      conversationId: row.conversationId,
      transfer: presentTransfer(row),
    };
    await bus.publish(topics.organisation(row.orgId), {
      audience: 'agent',
      conversationId: row.conversationId,
      frame: JSON.stringify(frame),
    });
  }
  const record = (
    orgId: string,
    actor: { kind: 'agent' | 'system'; id: string | null },
    action: string,
    row: TransferRow,
    ip: string | null,
  ) =>
    audit.record(store, {
      orgId,
      actor,
      action,
      outcome: 'success',
      ip,
      resource: { type: 'conversation', id: row.conversationId },
      detail: {
        transfer: row.id,
        from: row.fromAgentId,
        ...(row.toAgentId ? { toAgent: row.toAgentId } : {}),
        ...(row.toTeamId ? { toTeam: row.toTeamId } : {}),
      },
    });

  async function load(actor: AgentActor, id: string): Promise<TransferRow> {
    const row = await store.routing.transferById(actor.orgId, id);
    if (!row) throw new ParleyError('transfer_not_found');
    return row;
  }
  async function isReceiver(actor: AgentActor, row: TransferRow): Promise<boolean> {
    if (!can(actor, 'conversation:accept', actor)) return false;
    if (row.toAgentId !== null) return row.toAgentId === actor.agentId;
    if (row.toTeamId === null) return false;
    const team = await store.routing.teamById(actor.orgId, row.toTeamId);
    return team?.memberIds.includes(actor.agentId) ?? false;
  }

  return {
    async create(
      actor: Agent,
      conversationId: string,
      input: TransferRequest,
      ip: string,
    ): Promise<TransferRow> {
      // Whoever may reply in it (its agent, or a supervisor) may hand it on (404 for others' orgs).
      const conv = await chat.authorize(actor, conversationId, 'send');
      if (conv.status !== 'active' || conv.agentId === null)
        throw new ParleyError('transfer_not_allowed');
      if (input.toAgentId !== undefined) {
        if (input.toAgentId === conv.agentId) throw new ParleyError('transfer_not_allowed');
        const to = await store.agents.byId(actor.orgId, input.toAgentId);
        if (!to || !to.active) throw new ParleyError('agent_not_found');
        if (
          !can(
            { kind: 'agent', agentId: to.id, orgId: to.orgId, role: to.role },
            'conversation:accept',
            to,
          )
        )
          throw new ParleyError('transfer_not_allowed');
      }
      if (
        input.toTeamId !== undefined &&
        !(await store.routing.teamById(actor.orgId, input.toTeamId))
      )
        throw new ParleyError('team_not_found');
      // Law 1: the note is masked like an internal note (digits held for good) before it is stored.
      const note =
        input.note === ''
          ? { text: '', masked: [] }
          : await chat.maskDeskText(input.note, actor.orgId, true);
      const now = Date.now();
      const row = await store.routing.createTransfer({
        orgId: actor.orgId,
        conversationId: conv.id,
        fromAgentId: conv.agentId,
        toAgentId: input.toAgentId ?? null,
        toTeamId: input.toTeamId ?? null,
        note: note.text,
        noteMasked: note.masked,
        now,
        expiresAt: now + deps.timeoutMs,
      });
      if (row === 'pending') throw new ParleyError('transfer_pending');
      await record(
        actor.orgId,
        { kind: 'agent', id: actor.agentId },
        'conversation.transfer_offer',
        row,
        ip,
      );
      log.info(
        { orgId: actor.orgId, conversationId: conv.id, transferId: row.id },
        'transfer offered',
      );
      await publish(row);
      return row;
    },

    async list(actor: Agent, conversationId: string): Promise<TransferRow[]> {
      const conv = await chat.authorize(actor, conversationId, 'view');
      if (!routingAllowed(actor, 'transfer:read', conv)) throw new ParleyError('forbidden');
      return store.routing.transfers(actor.orgId, conv.id);
    },

    /** Pending offers this agent may answer (to them, or to one of their teams). */
    async incoming(actor: Agent): Promise<TransferRow[]> {
      if (!routingAllowed(actor, 'transfer:read', actor)) throw new ParleyError('forbidden');
      const pending = await store.routing.pendingTransfers(actor.orgId, 200);
      const mine: TransferRow[] = [];
      for (const row of pending) if (await isReceiver(actor, row)) mine.push(row);
      return mine;
    },

    async accept(actor: Agent, id: string, ip: string): Promise<TransferRow> {
      const row = await load(actor, id);
      if (!(await isReceiver(actor, row))) throw new ParleyError('forbidden');
      const outcome = await store.routing.acceptTransfer(
        actor.orgId,
        id,
        actor.agentId,
        Date.now(),
      );
      if (outcome === 'answered') throw new ParleyError('transfer_answered');
      if (outcome === 'moved') {
        // The conversation closed or changed hands meanwhile: the offer is void.
        if (await store.routing.resolveTransfer(actor.orgId, id, 'expired', null, Date.now())) {
          const voided = await load(actor, id);
          await publish(voided);
        }
        throw new ParleyError('transfer_not_allowed');
      }
      const done = await load(actor, id);
      await record(
        actor.orgId,
        { kind: 'agent', id: actor.agentId },
        'conversation.transfer_accept',
        done,
        ip,
      );
      log.info(
        { orgId: actor.orgId, conversationId: done.conversationId, transferId: id },
        'transfer accepted',
      );
      await bus.publish(ROUTING_TOPIC, {
        audience: 'agent',
        frame: JSON.stringify({ conversationId: done.conversationId }),
      });
      await chat.changed(actor.orgId, done.conversationId);
      await publish(done);
      deps.events?.emit({
        orgId: actor.orgId,
        type: 'conversation.transferred',
        key: `transferred:${done.id}`,
        subject: {
          conversationId: done.conversationId,
          transferId: done.id,
          fromAgentId: done.fromAgentId,
          toAgentId: actor.agentId,
          ...(done.toTeamId ? { toTeamId: done.toTeamId } : {}),
        },
        occurredAt: Date.now(),
      });
      // Committed: the visitor's notice and the counts must not fail the acceptance.
      await chat
        .systemMessage(actor.orgId, done.conversationId, talkingToText(actor.name))
        .catch((err: unknown) =>
          log.warn(
            {
              conversationId: done.conversationId,
              err: err instanceof Error ? err.name : 'unknown',
            },
            'transfer notice not sent',
          ),
        );
      await presence.touched(actor.orgId, actor.agentId);
      await presence.touched(actor.orgId, done.fromAgentId);
      return done;
    },

    /** The receiver declines, or the sender withdraws: the conversation stays with the sender. */
    async decline(actor: Agent, id: string, ip: string): Promise<TransferRow> {
      const row = await load(actor, id);
      const sender = row.fromAgentId === actor.agentId;
      if (!sender && !(await isReceiver(actor, row))) throw new ParleyError('forbidden');
      if (
        !(await store.routing.resolveTransfer(
          actor.orgId,
          id,
          'declined',
          actor.agentId,
          Date.now(),
        ))
      )
        throw new ParleyError('transfer_answered');
      const done = await load(actor, id);
      await record(
        actor.orgId,
        { kind: 'agent', id: actor.agentId },
        'conversation.transfer_decline',
        done,
        ip,
      );
      await publish(done);
      return done;
    },

    /** Offers nobody answered in time return to their sender (the sweep, on every node). */
    async expireOverdue(): Promise<number> {
      let n = 0;
      for (const o of await store.routing.overdueTransfers(Date.now(), 200)) {
        if (!(await store.routing.resolveTransfer(o.orgId, o.id, 'expired', null, Date.now())))
          continue;
        const row = await store.routing.transferById(o.orgId, o.id);
        if (!row) continue;
        n += 1;
        await record(
          o.orgId,
          { kind: 'system', id: null },
          'conversation.transfer_expire',
          row,
          null,
        );
        await publish(row);
      }
      return n;
    },
  };
}

export type TransferService = ReturnType<typeof createTransferService>;
