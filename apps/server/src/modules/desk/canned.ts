import { ParleyError, type CannedReplyRequest } from '@parley/protocol';
import type { CannedReplyRow, Store } from '../../store';
import { audit } from '../audit';
import type { AgentActor } from '../auth';
import type { ChatService } from '../chat';
import { deskAllowed } from './policy';

/**
 * Canned replies (issue 14 item 5): per organisation, or per team once teams exist (a team id
 * is stored as given). The body passes the masker when saved (a card pasted into a template is
 * never stored) and the reply passes it again as a message when it is sent.
 */
export function createCannedService(deps: { store: Store; chat: ChatService }) {
  const { store, chat } = deps;
  const assert = (actor: AgentActor, action: 'canned:use' | 'canned:manage') => {
    if (!deskAllowed(actor, action, { orgId: actor.orgId })) throw new ParleyError('forbidden');
  };
  const maskBody = async (actor: AgentActor, input: CannedReplyRequest) => {
    const body = await chat.maskDeskText(input.body, actor.orgId, false);
    const title = await chat.maskDeskText(input.title, actor.orgId, false);
    return { body: body.text, title: title.text, masked: [...new Set(body.masked)] };
  };
  const record = (actor: AgentActor, action: string, row: CannedReplyRow, ip: string) =>
    // Canned replies are organisation settings: changes are audited (who, which shortcut).
    audit.record(store, {
      orgId: actor.orgId,
      actor: { kind: 'agent', id: actor.agentId },
      action,
      outcome: 'success',
      ip,
      resource: { type: 'canned_reply', id: row.id },
      detail: { shortcut: row.shortcut, scope: row.teamId ?? 'organisation' },
    });

  return {
    async list(actor: AgentActor): Promise<CannedReplyRow[]> {
      assert(actor, 'canned:use');
      return store.desk.cannedList(actor.orgId);
    },

    async create(
      actor: AgentActor,
      input: CannedReplyRequest,
      ip: string,
    ): Promise<CannedReplyRow> {
      assert(actor, 'canned:manage');
      const masked = await maskBody(actor, input);
      const row = await store.desk.cannedCreate({
        orgId: actor.orgId,
        teamId: input.teamId ?? null,
        shortcut: input.shortcut,
        ...masked,
        createdBy: actor.agentId,
        now: Date.now(),
      });
      if (!row) throw new ParleyError('canned_shortcut_taken');
      await record(actor, 'canned_reply.create', row, ip);
      return row;
    },

    async update(
      actor: AgentActor,
      id: string,
      input: CannedReplyRequest,
      ip: string,
    ): Promise<CannedReplyRow> {
      assert(actor, 'canned:manage');
      const masked = await maskBody(actor, input);
      const row = await store.desk.cannedUpdate(actor.orgId, id, {
        shortcut: input.shortcut,
        ...masked,
        now: Date.now(),
      });
      if (row === 'taken') throw new ParleyError('canned_shortcut_taken');
      if (!row) throw new ParleyError('canned_reply_not_found');
      await record(actor, 'canned_reply.update', row, ip);
      return row;
    },

    async remove(actor: AgentActor, id: string, ip: string): Promise<void> {
      assert(actor, 'canned:manage');
      const row = await store.desk.cannedById(actor.orgId, id);
      if (!row || !(await store.desk.cannedDelete(actor.orgId, id)))
        throw new ParleyError('canned_reply_not_found');
      await record(actor, 'canned_reply.delete', row, ip);
    },
  };
}

export type CannedService = ReturnType<typeof createCannedService>;
