import { joinedText, ParleyError } from '@parley/protocol';
import type { ParticipantRow } from '../../store';
import { audit } from '../audit';
import type { AgentActor } from '../auth';
import type { ChatActor } from '../chat';
import { deskAllowed } from './policy';
import type { DeskDeps } from './service';

type Agent = ChatActor & AgentActor;

/**
 * Supervisors watch and join (issue 14 item 3). Watching needs nothing here: whoever may read a
 * conversation (`conversation:read`) may open it and follow it live, without a reply box.
 * Joining is for supervisors and admins (`conversation:reply_any`): it is recorded (so a reload
 * on any node knows), audited in the same transaction, and announced in the conversation as a
 * system message, which the visitor sees ("Sam joined the conversation.") and which stays in
 * its history. The agent who holds the conversation keeps it and both may reply.
 */
export function createSuperviseService(deps: DeskDeps) {
  const { store, chat, log } = deps;

  return {
    async join(actor: Agent, conversationId: string, ip: string): Promise<ParticipantRow[]> {
      const conv = await chat.authorize(actor, conversationId, 'view');
      if (!deskAllowed(actor, 'conversation:join', conv)) throw new ParleyError('forbidden');
      // A waiting conversation is accepted, not joined; a closed one takes no replies.
      if (conv.status === 'closed') throw new ParleyError('conversation_closed');
      if (conv.status !== 'active') throw new ParleyError('conflict');
      if (conv.agentId === actor.agentId) return store.desk.participants(actor.orgId, conv.id);
      const joined = await store.transaction(async (tx) => {
        const added = await store.desk.addParticipant(
          { orgId: actor.orgId, conversationId: conv.id, agentId: actor.agentId, now: Date.now() },
          tx,
        );
        if (added)
          await audit.record(
            store,
            {
              orgId: actor.orgId,
              actor: { kind: 'agent', id: actor.agentId },
              action: 'conversation.join',
              outcome: 'success',
              ip,
              resource: { type: 'conversation', id: conv.id },
              detail: { heldBy: conv.agentId ?? 'nobody' },
            },
            tx,
          );
        return added;
      });
      if (joined) {
        log.info({ orgId: actor.orgId, conversationId: conv.id }, 'supervisor joined');
        // Committed and audited: a failed announcement is logged, the join stands.
        await chat
          .systemMessage(actor.orgId, conv.id, joinedText(actor.name))
          .catch((err: unknown) =>
            log.warn(
              { conversationId: conv.id, err: err instanceof Error ? err.name : 'unknown' },
              'join notice not sent',
            ),
          );
      }
      return store.desk.participants(actor.orgId, conv.id);
    },

    async participants(actor: Agent, conversationId: string): Promise<ParticipantRow[]> {
      const conv = await chat.authorize(actor, conversationId, 'view');
      return store.desk.participants(actor.orgId, conv.id);
    },
  };
}

export type SuperviseService = ReturnType<typeof createSuperviseService>;
