import {
  ParleyError,
  type Availability,
  type BusinessHours,
  type OfflineMessageRequest,
} from '@parley/protocol';
import type { Logger } from '../../logger';
import type { ConversationRow, MessageRow, Store } from '../../store';
import { randomToken, sha256Hex } from '../../lib/tokens';
import { audit } from '../audit';
import { isAnyAgentAvailable as isAnyTeamAgentAvailable } from '../routing';
import { can, type AgentActor } from '../auth';
import { visitorActor, type ChatService } from '../chat';
import { hideMaskedDigits } from '../feedback';
import type { MailService } from '../mail';
import type { VisitorService } from '../visitors';
import { DEFAULT_HOURS, isWithinHours } from './hours';

export interface OfflineDeps {
  store: Store;
  chat: ChatService;
  mail: MailService;
  visitors: VisitorService;
  log: Logger;
  publicUrl: () => string;
  visitorTokenDays: number;
}

/** A console session seen this recently counts as "signed in" (it polls and keeps a socket). */
export const SIGNED_IN_WINDOW_MS = 15 * 60_000;
/** How long a continue link in a reply e-mail works. */
export const CONTINUE_LINK_DAYS = 7;
const DEFAULT_OFFLINE_TEXT =
  'Nobody is available right now. Leave a message and we will reply by e-mail.';

/**
 * Offline mode (issue 15 item 2, docs/feedback.md): business hours and "anyone available";
 * the leave-a-message form becomes a waiting conversation (the message passes the masker like
 * every message) and an e-mail to the team; each agent reply in such a conversation goes to
 * the customer by e-mail with a single-use link that continues the chat.
 */
export function createOfflineService(deps: OfflineDeps) {
  const { store, chat, mail, visitors, log } = deps;

  async function hoursOf(orgId: string): Promise<BusinessHours> {
    const h = await store.offline.hours(orgId);
    return h
      ? { enabled: h.enabled, timeZone: h.timeZone, week: h.week, offlineText: h.offlineText }
      : DEFAULT_HOURS;
  }

  /**
   * Whether an agent who could answer is signed in. One small function on purpose: the
   * presence work (another branch) replaces its body with real presence per team.
   */
  async function isAnyAgentAvailable(orgId: string, now = Date.now()): Promise<boolean> {
    return (await store.offline.signedInAgents(orgId, now, now - SIGNED_IN_WINDOW_MS)) > 0;
  }

  /**
   * The offline decision (issue 15 item 2 "per team"): business hours, then whether someone who
   * could answer is there: for a team (the website's `data-team` or the visitor's pre-chat
   * choice) an online member whose role takes chats (routing's presence), else anyone signed in.
   */
  async function availability(
    orgId: string,
    now = Date.now(),
    teamId?: string,
  ): Promise<Availability> {
    const hours = await hoursOf(orgId);
    const open = isWithinHours(hours, now);
    const someone =
      open &&
      (teamId !== undefined
        ? await isAnyTeamAgentAvailable(store, orgId, teamId)
        : await isAnyAgentAvailable(orgId, now));
    return {
      available: someone,
      reason: !open ? 'closed' : someone ? 'open' : 'away',
      offlineText: hours.offlineText || DEFAULT_OFFLINE_TEXT,
      leaveMessage: mail.configured,
    };
  }

  /** Sends the agent's reply to the customer who left a message, with a link to continue. */
  async function replyByEmail(conv: ConversationRow, message: MessageRow): Promise<void> {
    // Without mail there is nothing to send: no store read for every agent message (issue 18).
    if (!mail.configured) return;
    const contact = await store.offline.contact(conv.orgId, conv.id);
    if (!contact) return;
    const org = await store.orgs.byId(conv.orgId);
    if (!org) return;
    const token = randomToken(32);
    const now = Date.now();
    await store.offline.createContinueLink({
      tokenHash: sha256Hex(token),
      orgId: conv.orgId,
      conversationId: conv.id,
      visitorId: conv.visitorId,
      expiresAt: now + CONTINUE_LINK_DAYS * 86_400_000,
      now,
    });
    const base = deps.publicUrl();
    const link = `${base}/frame/?org=${encodeURIComponent(org.key)}&host=${encodeURIComponent(new URL(base).origin)}#continue=${token}`;
    const r = await mail.enqueue({
      orgId: conv.orgId,
      to: contact.email,
      template: 'offline_reply',
      data: {
        organisation: org.name,
        agentName: message.senderName ?? 'Our team',
        message: hideMaskedDigits(message.text),
        link,
        expiresDays: CONTINUE_LINK_DAYS,
      },
      idempotencyKey: `offline-reply:${conv.id}:${message.seq}`,
    });
    log.info({ orgId: conv.orgId, conversationId: conv.id, mailId: r.id }, 'offline reply queued');
  }

  chat.onAgentMessage((conv, message) => {
    replyByEmail(conv, message).catch((err: unknown) =>
      log.error(
        { conversationId: conv.id, err: err instanceof Error ? err.name : 'unknown' },
        'offline reply not queued',
      ),
    );
  });

  return {
    isAnyAgentAvailable,
    availability,
    hoursOf,
    replyByEmail,

    async setHours(actor: AgentActor, hours: BusinessHours, ip: string): Promise<BusinessHours> {
      if (!can(actor, 'settings:manage', { orgId: actor.orgId }))
        throw new ParleyError('forbidden');
      await store.offline.setHours(actor.orgId, hours, Date.now());
      await audit.record(store, {
        orgId: actor.orgId,
        actor: { kind: 'agent', id: actor.agentId },
        action: 'business_hours.update',
        outcome: 'success',
        ip,
        resource: { type: 'organisation', id: actor.orgId },
        detail: { enabled: hours.enabled, timeZone: hours.timeZone },
      });
      return hoursOf(actor.orgId);
    },

    /** The leave-a-message form: a session, a waiting conversation, its first message, a team e-mail. */
    async leaveMessage(input: OfflineMessageRequest, ip: string) {
      // Without e-mail no reply could reach the customer: refuse before anything is stored.
      if (!mail.configured) throw new ParleyError('mail_unavailable');
      const { token, visitor } = await visitors.createSession(
        { orgKey: input.orgKey, name: input.name, identity: undefined, ip },
        (name, orgId) => chat.maskName(name, orgId),
      );
      await chat.rememberName(visitor.orgId, visitor.id, input.name);
      const ctx = await visitors.authenticate(token);
      if (!ctx) throw new ParleyError('invalid_token');
      const actor = visitorActor(ctx);
      const conv = await chat.startConversation(actor);
      const now = Date.now();
      await store.offline.addContact({
        orgId: conv.orgId,
        conversationId: conv.id,
        email: input.email,
        consentAt: now,
        now,
      });
      await chat.send(actor, {
        conversationId: conv.id,
        clientMsgId: `offline-${conv.id}`,
        text: input.message,
      });
      const [stored] = await store.messages.after(conv.orgId, conv.id, 0, 1);
      const org = ctx.organisation;
      const team = (await store.agents.list(conv.orgId)).filter((a) => a.active);
      for (const agent of team)
        await mail.enqueue({
          orgId: conv.orgId,
          to: agent.email,
          template: 'offline_message',
          data: {
            organisation: org.name,
            visitorName: ctx.visitor.name ?? 'A customer',
            message: hideMaskedDigits(stored?.text ?? ''),
            consoleLink: deps.publicUrl(),
          },
          idempotencyKey: `offline-message:${conv.id}:${agent.id}`,
        });
      log.info(
        { orgId: conv.orgId, conversationId: conv.id, notified: team.length },
        'offline message left',
      );
      return {
        session: {
          token,
          visitorId: visitor.id,
          expiresAt: visitor.expiresAt,
          verified: false,
        },
        conversationId: conv.id,
      };
    },

    /** Spends a continue link: a new visitor token for the customer of that conversation. */
    async continueFromLink(orgKey: string, token: string) {
      const link = await store.offline.useContinueLink(sha256Hex(token), Date.now());
      const org = link && (await store.orgs.byId(link.orgId));
      if (!link || !org || org.key !== orgKey) throw new ParleyError('continue_link_invalid');
      const visitor = await store.visitors.byId(link.orgId, link.visitorId);
      if (!visitor || visitor.revokedAt !== null) throw new ParleyError('continue_link_invalid');
      const fresh = randomToken(32);
      const expiresAt = Date.now() + deps.visitorTokenDays * 86_400_000;
      await store.visitorIdentity.addToken({
        tokenHash: sha256Hex(fresh),
        orgId: link.orgId,
        visitorId: link.visitorId,
        expiresAt,
      });
      log.info({ orgId: link.orgId, conversationId: link.conversationId }, 'continue link used');
      return {
        session: { token: fresh, visitorId: link.visitorId, expiresAt, verified: false },
        conversationId: link.conversationId,
      };
    },

    /** For agents: where replies go (shown in the conversation). */
    async contactFor(actor: AgentActor & { name: string }, conversationId: string) {
      const conv = await chat.authorize(actor, conversationId, 'view');
      return store.offline.contact(conv.orgId, conv.id);
    },
  };
}

export type OfflineService = ReturnType<typeof createOfflineService>;
