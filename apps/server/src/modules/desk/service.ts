import { ParleyError, type CreateNoteRequest } from '@parley/protocol';
import { topics, type Bus } from '../../bus';
import type { Logger } from '../../logger';
import type { NoteRow, Store } from '../../store';
import type { AgentActor } from '../auth';
import type { ChatActor, ChatService } from '../chat';
import { deskAllowed } from './policy';
import { presentNoteFrame } from './presenter';

export interface DeskDeps {
  store: Store;
  bus: Bus;
  chat: ChatService;
  log: Logger;
}

type Agent = ChatActor & AgentActor;

/**
 * Internal notes (issue 14 item 4). A note is never a message: it has no seq,
 * lives in its own table and travels only on the organisation's topic, which
 * only agents' sockets subscribe to (realtime/connection.ts). So no visitor
 * path — the conversation's topic, resume, the visitor's history, a
 * transcript built from the messages — can ever carry one.
 */
export function createNotesService(deps: DeskDeps) {
  const { store, bus, chat, log } = deps;

  async function conversationFor(actor: Agent, conversationId: string, write: boolean) {
    // The chat policy decides whether the agent sees the conversation at all (404 otherwise).
    const conv = await chat.authorize(actor, conversationId, 'view');
    if (!deskAllowed(actor, write ? 'note:write' : 'note:read', conv))
      throw new ParleyError('forbidden');
    return conv;
  }

  return {
    async add(
      actor: Agent,
      conversationId: string,
      input: CreateNoteRequest,
    ): Promise<{ note: NoteRow; duplicate: boolean }> {
      const conv = await conversationFor(actor, conversationId, true);
      // Law 1: a note passes the masker before it is stored or published. Notes are never
      // joined with later texts, so digits that could be a piece of a card stay hidden for good.
      const { text, masked } = await chat.maskDeskText(input.text, actor.orgId, true);
      const result = await store.desk.addNote({
        orgId: actor.orgId,
        conversationId: conv.id,
        authorId: actor.agentId,
        clientId: input.clientId,
        text,
        masked,
        now: Date.now(),
      });
      if (!result.duplicate) {
        log.info(
          { orgId: actor.orgId, conversationId: conv.id, noteId: result.note.id },
          'note added',
        );
        await bus.publish(topics.organisation(actor.orgId), {
          audience: 'agent',
          conversationId: conv.id,
          frame: JSON.stringify(presentNoteFrame(result.note)),
        });
      }
      return result;
    },

    async list(actor: Agent, conversationId: string): Promise<NoteRow[]> {
      const conv = await conversationFor(actor, conversationId, false);
      return store.desk.notes(actor.orgId, conv.id);
    },
  };
}

export type NotesService = ReturnType<typeof createNotesService>;
