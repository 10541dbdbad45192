import { createHash, randomUUID } from 'node:crypto';
import {
  ParleyError,
  type ConsentSettingsUpdate,
  type ConsentWithdrawalPolicy,
} from '@parley/protocol';
import type { ConsentRow, ConsentSettingsRow, ConversationRow, Store } from '../../store';
import { audit } from '../audit';
import { can, type AgentContext } from '../auth';
import type { ChatActor, ChatService } from '../chat';
import { erase, type VaultEraser } from '../privacy';
import type { FileStorage } from '../files';

/** The built-in notice (version 1) until an admin writes the organisation's own. */
export const DEFAULT_CONSENT_TEXT =
  'I agree that this chat, with my name and messages, is stored to answer my question, as the privacy policy describes. I can withdraw this consent at any time from the chat.';

export type ConsentService = ReturnType<typeof createConsentService>;

/**
 * Pre-chat consent (issue 12 item 1, docs/privacy.md): the organisation's
 * notice and its versions, the gate that refuses a conversation without a
 * consent where one is required, the record of each consent (its evidence
 * sealed under the visitor's data key), and withdrawal from the widget, which
 * ends the conversation and erases it when the organisation's policy says so.
 */
export function createConsentService(deps: {
  store: Store;
  chat: Pick<ChatService, 'close'>;
  /** Erasure on withdrawal deletes the visitor's file bytes from here. */
  fileStorage: FileStorage;
  /** The vault, so that an erasure on withdrawal reaches its payment records. */
  vault?: VaultEraser | undefined;
  now?: () => number;
}) {
  const { store } = deps;
  const now = deps.now ?? Date.now;

  /** The settings in force: the saved ones, or consent required with the built-in text. */
  async function current(orgId: string): Promise<ConsentSettingsRow> {
    return (
      (await store.consent.settings(orgId)) ?? {
        orgId,
        required: true,
        onWithdrawal: 'erase',
        current: { version: 1, text: DEFAULT_CONSENT_TEXT, privacyUrl: null, createdAt: 0 },
        updatedAt: 0,
      }
    );
  }

  const assertManage = (ctx: AgentContext) => {
    if (!can(ctx.actor, 'settings:manage', { orgId: ctx.agent.orgId }))
      throw new ParleyError('forbidden');
  };

  return {
    current,

    async settings(ctx: AgentContext) {
      assertManage(ctx);
      const s = await current(ctx.agent.orgId);
      const stored = await store.consent.versions(ctx.agent.orgId);
      return { settings: s, versions: stored.length > 0 ? stored : [s.current] };
    },

    async update(ctx: AgentContext, input: ConsentSettingsUpdate, ip: string) {
      assertManage(ctx);
      const orgId = ctx.agent.orgId;
      const before = await current(orgId);
      const builtIn = !(await store.consent.settings(orgId));
      // The new version, the settings and their audit entry commit together (law 6).
      await store.transaction(async (tx) => {
        // The built-in text counts as version 1 once a consent may have been given under it.
        if (builtIn)
          await store.consent.ensureVersion(orgId, { ...before.current, createdAt: now() }, tx);
        const saved = await store.consent.save(orgId, input, ctx.agent.id, now(), tx);
        await audit.record(
          store,
          {
            orgId,
            actor: { kind: 'agent', id: ctx.agent.id },
            action: 'settings.consent_change',
            outcome: 'success',
            ip,
            resource: { type: 'organisation', id: orgId },
            detail: {
              version: saved.current.version,
              newVersion: saved.current.version !== before.current.version,
              required: saved.required,
              onWithdrawal: saved.onWithdrawal,
            },
          },
          tx,
        );
      });
      return this.settings(ctx);
    },

    /**
     * Called before a visitor's conversation starts: refuses without a consent where one is
     * required (`consent_required`), or with one given to an older notice (`consent_outdated`).
     * Returns the version to record, or null when none was given and none is needed.
     */
    async check(orgId: string, given: { version: number } | undefined): Promise<number | null> {
      const s = await current(orgId);
      if (!given) {
        if (s.required) throw new ParleyError('consent_required');
        return null;
      }
      if (given.version !== s.current.version) throw new ParleyError('consent_outdated');
      return given.version;
    },

    /** Records the consent for the conversation (once per conversation and version). */
    async record(
      conv: ConversationRow,
      version: number,
      facts: { userAgent: string | null },
    ): Promise<void> {
      const existing = await store.consent.forConversation(conv.orgId, conv.id);
      if (existing && existing.version === version && existing.withdrawnAt === null) return;
      const s = await current(conv.orgId);
      const builtIn = !(await store.consent.settings(conv.orgId));
      const at = now();
      // Sealing may create the visitor's data key: before the transaction, which only writes.
      const [evidence] = await store.dataKeys.sealMany([
        {
          owner: { orgId: conv.orgId, kind: 'visitor', id: conv.visitorId },
          plain: JSON.stringify({
            version,
            textSha256: createHash('sha256').update(s.current.text).digest('hex'),
            privacyUrl: s.current.privacyUrl,
            userAgent: facts.userAgent?.slice(0, 300) ?? null,
          }),
        },
      ]);
      if (evidence === undefined) throw new Error('consent evidence not sealed');
      // The consent and its audit entry commit together (law 6): no record without its entry.
      await store.transaction(async (tx) => {
        if (builtIn)
          await store.consent.ensureVersion(conv.orgId, { ...s.current, createdAt: at }, tx);
        await store.consent.record(
          {
            id: randomUUID(),
            org_id: conv.orgId,
            visitor_id: conv.visitorId,
            conversation_id: conv.id,
            version,
            given_at: at,
            withdrawn_at: null,
            evidence,
          },
          tx,
        );
        await audit.record(
          store,
          {
            orgId: conv.orgId,
            actor: { kind: 'visitor', id: conv.visitorId },
            action: 'consent.give',
            outcome: 'success',
            resource: { type: 'conversation', id: conv.id },
            detail: { version },
          },
          tx,
        );
      });
    },

    /** The consent of a conversation with the text of its version, for the agent. */
    async ofConversation(
      orgId: string,
      conversationId: string,
    ): Promise<{ row: ConsentRow; text: string | null; privacyUrl: string | null } | undefined> {
      const row = await store.consent.forConversation(orgId, conversationId);
      if (!row) return undefined;
      const v = await store.consent.version(orgId, row.version);
      return { row, text: v?.text ?? null, privacyUrl: v?.privacyUrl ?? null };
    },

    /**
     * The visitor withdraws consent (from the widget): every live consent of theirs is marked
     * withdrawn, their open conversations end, and with the `erase` policy the visitor and all
     * their conversations are erased at once (crypto-shredding); with `close` retention deletes
     * them on schedule.
     */
    async withdraw(
      actor: ChatActor & { kind: 'visitor' },
      conversationId: string,
      ip: string,
    ): Promise<{ outcome: 'erased' | 'closed'; policy: ConsentWithdrawalPolicy }> {
      const conv = await store.conversations.byId(actor.orgId, conversationId);
      if (!conv || conv.visitorId !== actor.visitorId)
        throw new ParleyError('conversation_not_found');
      const s = await current(actor.orgId);
      // The withdrawal and its audit entry commit together (law 6).
      await store.transaction(async (tx) => {
        const withdrawn = await store.consent.withdraw(actor.orgId, actor.visitorId, now(), tx);
        await audit.record(
          store,
          {
            orgId: actor.orgId,
            actor: { kind: 'visitor', id: actor.visitorId },
            action: 'consent.withdraw',
            outcome: 'success',
            ip,
            resource: { type: 'visitor', id: actor.visitorId },
            detail: { consents: withdrawn, policy: s.onWithdrawal },
          },
          tx,
        );
      });
      for (const c of await store.conversations.listForVisitor(actor.orgId, actor.visitorId))
        if (c.status !== 'closed') await deps.chat.close(actor, c.id);
      if (s.onWithdrawal === 'erase') {
        await erase(
          store,
          actor.orgId,
          { visitorId: actor.visitorId },
          { kind: 'system', id: null },
          ip,
          deps.fileStorage,
          deps.vault,
        );
        return { outcome: 'erased', policy: s.onWithdrawal };
      }
      return { outcome: 'closed', policy: s.onWithdrawal };
    },
  };
}
