import { isEmptyState } from '@parley/masking';
import { ParleyError, type ConversationStatus, type ServerFrame } from '@parley/protocol';
import { topics, type Bus, type BusEvent } from '../../bus';
import type { Logger } from '../../logger';
import type { AppendResult, ConversationRow, MessageRow, Store } from '../../store';
import type { GroupCommitter } from '../../store';
import { allowed, type ChatAction, type ChatActor } from './policy';
import { presentConversation, presentMessageFrame } from './presenter';
import type { MaskedMessage, MessageMasker } from './masking';
import type { HeldPieces } from './held';
import { CARD_NOTICE_TEXT, createNoticeLimiter, hidCard } from './card-notice';
import type { ChatEvent, ChatEventSink } from '../webhooks';

export interface ChatDeps {
  store: Store;
  bus: Bus;
  committer: GroupCommitter;
  masker: MessageMasker;
  held: HeldPieces;
  log: Logger;
  /**
   * Loads the organisation's masking settings before its first message is masked; undefined when
   * they are loaded already (the hot path then does not wait at all).
   */
  maskingReady?: (orgId: string) => Promise<void> | undefined;
  /** Committed chat events (webhooks, docs/webhooks.md); ids only. */
  events?: ChatEventSink;
  /**
   * A visitor's committed message hid card numbers (issue 11 item 5: card testing is many
   * cards from one source). Called after the commit; must not throw.
   */
  onVisitorCard?: (orgId: string, visitorId: string, cards: number) => void;
}

export interface SendInput {
  conversationId: string;
  clientMsgId: string;
  text: string;
}

export type ChatService = ReturnType<typeof createChatService>;

function event(
  frame: ServerFrame,
  extra: Omit<BusEvent, 'frame' | 'audience'> & { audience?: BusEvent['audience'] } = {},
): BusEvent {
  return {
    audience: extra.audience ?? 'all',
    ...(extra.seq !== undefined ? { seq: extra.seq } : {}),
    ...(extra.conversationId ? { conversationId: extra.conversationId } : {}),
    frame: JSON.stringify(frame),
  };
}

/** Attempts to mask a message against its sender's state before giving up on a moving state. */
const MASK_ATTEMPTS = 5;

type SenderState = Parameters<MessageMasker['mask']>[1];

/** Runs `fn` after every earlier call with the same key has finished (a per-key queue). */
function createKeyedLock() {
  const tails = new Map<string, Promise<unknown>>();
  const lock = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const before = tails.get(key) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
  /** Whether a call with this key is running or waiting. */
  lock.busy = (key: string): boolean => tails.has(key);
  return lock;
}

/** The chat domain: conversations and the ingest pipeline validate → mask → persist → fan out. */
export function createChatService(deps: ChatDeps) {
  const { store, bus, committer, masker, held, log } = deps;
  const notices = createNoticeLimiter();
  const senderLock = createKeyedLock();
  // Routing (modules/routing) reacts to conversations that start or close on this node.
  const conversationListeners = new Set<(conv: ConversationRow) => void>();
  const told = (conv: ConversationRow) => {
    for (const l of conversationListeners) l(conv);
  };
  // Told of every agent message this node committed (offline replies by e-mail, issue 15).
  const agentMessageListeners: ((conv: ConversationRow, message: MessageRow) => void)[] = [];

  // Hot-path cache of conversations for send/typing. Safe because what the
  // policy reads only moves one way: the visitor never changes, the agent is
  // set once at accept, and a close is enforced again by the store's append.
  const recent = new Map<string, ConversationRow>();
  function remember(conv: ConversationRow): void {
    recent.delete(conv.id);
    recent.set(conv.id, conv);
    if (recent.size > 20_000) {
      const oldest = recent.keys().next().value;
      if (oldest !== undefined) recent.delete(oldest);
    }
  }
  function cached(actor: ChatActor, id: string): ConversationRow | undefined {
    const c = recent.get(id);
    if (!c || c.orgId !== actor.orgId || c.status === 'closed') return undefined;
    if (actor.kind === 'visitor') return c.visitorId === actor.visitorId ? c : undefined;
    return c.agentId !== null ? c : undefined;
  }

  /** The organisation's masking rules are loaded before its text is masked; if they cannot be, nothing is sent. */
  function maskingReady(orgId: string): Promise<void> | undefined {
    let loading: Promise<void> | undefined;
    try {
      loading = deps.maskingReady?.(orgId);
    } catch {
      return Promise.reject(new ParleyError('masking_failed'));
    }
    return loading?.catch(() => {
      throw new ParleyError('masking_failed');
    });
  }

  async function load(actor: ChatActor, id: string, action: ChatAction): Promise<ConversationRow> {
    if (action === 'send' || action === 'typing') {
      const hit = cached(actor, id);
      if (hit && allowed(actor, action, hit)) return hit;
    }
    const conv = await store.conversations.byId(actor.orgId, id);
    if (conv) remember(conv);
    // Someone else's conversation is reported exactly like a missing one.
    if (!conv || (actor.kind === 'visitor' && conv.visitorId !== actor.visitorId))
      throw new ParleyError('conversation_not_found');
    if (!allowed(actor, action, conv)) {
      if (action === 'send' && conv.status === 'waiting' && actor.kind === 'agent')
        throw new ParleyError('forbidden', 'Accept the conversation before replying.');
      throw new ParleyError('forbidden');
    }
    return conv;
  }

  async function publishConversation(conv: ConversationRow): Promise<void> {
    const frame = event(
      { type: 'conversation', conversation: presentConversation(conv) },
      { conversationId: conv.id },
    );
    await Promise.all([
      bus.publish(topics.organisation(conv.orgId), { ...frame, audience: 'agent' }),
      bus.publish(topics.conversation(conv.id), { ...frame, audience: 'visitor' }),
    ]);
  }

  async function reload(orgId: string, id: string): Promise<ConversationRow> {
    const conv = await store.conversations.byId(orgId, id);
    if (!conv) throw new ParleyError('conversation_not_found');
    remember(conv);
    return conv;
  }

  /** Tells the visitor, in the conversation, that a card number was hidden and how to pay safely. */
  async function cardNotice(orgId: string, conversationId: string): Promise<void> {
    if (!notices.take(conversationId, Date.now())) return;
    try {
      const result = await committer.append({
        orgId,
        conversationId,
        senderKind: 'system',
        senderId: null,
        clientMsgId: null,
        text: CARD_NOTICE_TEXT,
        masked: [],
      });
      if (!result.ok) return;
      await bus.publish(
        topics.conversation(conversationId),
        event(presentMessageFrame(result.message, null), {
          seq: result.message.seq,
          conversationId,
        }),
      );
    } catch (err) {
      // The visitor's own message is stored already; a missing notice must not fail it.
      log.warn(
        { conversationId, err: err instanceof Error ? err.name : 'unknown' },
        'card notice not sent',
      );
    }
  }

  function maskOrRefuse(
    conversationId: string,
    text: string,
    state: MaskedMessage['state'],
    orgId: string,
  ): MaskedMessage {
    try {
      return masker.mask(text, state, orgId);
    } catch (err) {
      // Law 1: a message the masker cannot finish is refused, never passed on raw.
      log.error(
        { conversationId, err: err instanceof Error ? err.name : 'unknown' },
        'masking failed; message refused',
      );
      throw new ParleyError('masking_failed');
    }
  }

  async function maskFieldKinds(
    text: string,
    orgId: string,
    holdDigits: boolean,
  ): Promise<{ text: string; masked: string[] }> {
    await maskingReady(orgId);
    try {
      const r = masker.maskField(text, orgId, holdDigits);
      return { text: r.text, masked: r.masked };
    } catch {
      throw new ParleyError('masking_failed');
    }
  }
  const maskField = async (text: string, orgId: string, holdDigits: boolean): Promise<string> =>
    (await maskFieldKinds(text, orgId, holdDigits)).text;

  const emit = (
    orgId: string,
    type: ChatEvent['type'],
    key: string,
    subject: ChatEvent['subject'],
  ): void => deps.events?.emit({ orgId, type, key, subject, occurredAt: Date.now() });

  return {
    authorize: load,

    /** Calls `listener` after each new agent message is committed and published (never for a repeat). */
    onAgentMessage(listener: (conv: ConversationRow, message: MessageRow) => void): void {
      agentMessageListeners.push(listener);
    },

    /** The visitor's open conversation, or a new waiting one (in `teamId`'s queue when given). */
    async startConversation(
      actor: ChatActor & { kind: 'visitor' },
      options: { teamId?: string | undefined } = {},
    ): Promise<ConversationRow> {
      const existing = (
        await store.conversations.listForVisitor(actor.orgId, actor.visitorId)
      ).find((c) => c.status !== 'closed');
      if (existing) return existing;
      const conv = await store.conversations.create({
        orgId: actor.orgId,
        visitorId: actor.visitorId,
        teamId: options.teamId ?? null,
      });
      // Digits in the visitor's name count as the first pieces of whatever the visitor sends.
      const nameState = await store.messages.nameMaskState(actor.orgId, actor.visitorId);
      if (nameState !== null)
        await store.messages.seedMaskState(
          actor.orgId,
          conv.id,
          `visitor:${actor.visitorId}`,
          nameState,
        );
      log.info({ orgId: actor.orgId, conversationId: conv.id }, 'conversation started');
      await publishConversation(conv);
      emit(actor.orgId, 'conversation.started', `started:${conv.id}`, { conversationId: conv.id });
      told(conv);
      return conv;
    },

    visitorConversations(actor: ChatActor & { kind: 'visitor' }): Promise<ConversationRow[]> {
      return store.conversations.listForVisitor(actor.orgId, actor.visitorId);
    },

    async list(
      actor: ChatActor & { kind: 'agent' },
      status?: ConversationStatus,
    ): Promise<ConversationRow[]> {
      const rows = await store.conversations.list(actor.orgId, status ? { status } : {});
      return rows.filter((c) => allowed(actor, 'view', c));
    },

    async accept(actor: ChatActor & { kind: 'agent' }, id: string): Promise<ConversationRow> {
      const conv = await load(actor, id, 'accept');
      if (conv.status === 'closed') throw new ParleyError('conversation_closed');
      const won = await store.conversations.accept(actor.orgId, id, actor.agentId, Date.now());
      if (!won) throw new ParleyError('conversation_taken');
      const updated = await reload(actor.orgId, id);
      log.info(
        { orgId: actor.orgId, conversationId: id, agentId: actor.agentId },
        'conversation accepted',
      );
      await publishConversation(updated);
      emit(actor.orgId, 'conversation.assigned', `assigned:${id}:${actor.agentId}:${Date.now()}`, {
        conversationId: id,
        agentId: actor.agentId,
      });
      return updated;
    },

    async close(actor: ChatActor, id: string): Promise<ConversationRow> {
      const conv = await load(actor, id, 'close');
      if (conv.status === 'closed') throw new ParleyError('conversation_closed');
      await store.conversations.close(actor.orgId, id, Date.now());
      // Nothing can join a held piece any more: release what was no card.
      await held
        .closed(actor.orgId, id)
        .catch((err: unknown) =>
          log.warn(
            { conversationId: id, err: err instanceof Error ? err.name : 'unknown' },
            'held pieces not released',
          ),
        );
      const updated = await reload(actor.orgId, id);
      await publishConversation(updated);
      emit(actor.orgId, 'conversation.closed', `closed:${id}`, { conversationId: id });
      told(updated);
      return updated;
    },

    /** Runs after a conversation started or closed on this node (routing assigns, frees capacity). */
    onConversation(fn: (conv: ConversationRow) => void): () => void {
      conversationListeners.add(fn);
      return () => conversationListeners.delete(fn);
    },

    /**
     * Another module changed the conversation in the store (routing assigned or transferred it):
     * drops this node's cached copy and tells agents and the visitor. Other nodes drop theirs
     * through `forget` (modules/routing publishes the change on the bus).
     */
    async changed(orgId: string, id: string): Promise<ConversationRow> {
      recent.delete(id);
      const updated = await reload(orgId, id);
      await publishConversation(updated);
      return updated;
    },

    /** Drops the cached copy of a conversation whose agent changed on another node. */
    forget(id: string): void {
      recent.delete(id);
    },

    /** A system message in the conversation (visitor and agents see it), e.g. "You are now talking to …". */
    async systemMessage(orgId: string, conversationId: string, text: string): Promise<void> {
      const result = await committer.append({
        orgId,
        conversationId,
        senderKind: 'system',
        senderId: null,
        clientMsgId: null,
        text,
        masked: [],
      });
      if (!result.ok)
        throw new ParleyError(
          result.code === 'mask_state_stale' ? 'store_unavailable' : result.code,
        );
      await bus.publish(
        topics.conversation(conversationId),
        event(presentMessageFrame(result.message, null), {
          seq: result.message.seq,
          conversationId,
        }),
      );
    },

    async history(
      actor: ChatActor,
      id: string,
      afterSeq: number,
      limit: number,
    ): Promise<MessageRow[]> {
      await load(actor, id, 'view');
      return store.messages.after(actor.orgId, id, afterSeq, limit);
    },

    /**
     * The hot path. The text is masked before anything else sees it (law 1);
     * the returned seq is known only after the commit (law 5).
     */
    async send(actor: ChatActor, input: SendInput): Promise<{ seq: number; duplicate: boolean }> {
      // Cached answers are taken without an await (each costs a promise and a turn under load).
      const hit = cached(actor, input.conversationId);
      const conv =
        hit && allowed(actor, 'send', hit) ? hit : await load(actor, input.conversationId, 'send');
      if (conv.status === 'closed') throw new ParleyError('conversation_closed');
      const ready = maskingReady(actor.orgId);
      if (ready) await ready;
      const senderKey = `${actor.kind}:${actor.kind === 'agent' ? actor.agentId : actor.visitorId}`;
      // Masks on `current` and queues the append; does not wait for the commit. The state is
      // advanced in the cache at once, so the sender's next message masks on it and joins the same
      // group commit (issue 18, must 7): the store's version check still decides, and a message
      // masked on a state that did not commit fails `mask_state_stale` and is masked again.
      const queue = (current: { version: number; state: SenderState }) => {
        const masked = maskOrRefuse(conv.id, input.text, current.state, actor.orgId);
        const maskState = masked.changed
          ? { senderKey, expect: current.version, state: JSON.stringify(masked.state) }
          : undefined;
        if (maskState) held.advance(conv.id, senderKey, current.version + 1, masked.state);
        const result = committer
          .append({
            orgId: actor.orgId,
            conversationId: conv.id,
            senderKind: actor.kind,
            senderId: actor.kind === 'agent' ? actor.agentId : actor.visitorId,
            clientMsgId: input.clientMsgId,
            text: masked.text,
            masked: masked.masked,
            ...(maskState ? { maskState } : {}),
          })
          .then(
            (r) => {
              // A failed or repeated message stored nothing, so the state did not move either.
              if (maskState && (!r.ok || r.duplicate)) held.invalidate(conv.id, senderKey);
              return r;
            },
            (err: unknown) => {
              if (maskState) held.invalidate(conv.id, senderKey);
              throw err;
            },
          );
        return { masked, result };
      };
      const lockKey = `${conv.id}\u0000${senderKey}`;
      // The state as of now: the await before it let this sender's other messages queue (and
      // advance it) meanwhile; between this read and `queue` nothing else runs.
      const latest = (loaded: { version: number; state: SenderState }) =>
        held.peek(conv.id, senderKey) ?? loaded;
      // A message that touches its sender's masking state (a piece, or pieces pending) is masked
      // and queued one at a time per sender on this node, in order, so pipelined sends never race
      // on the state; the lock is held until the append is queued, not until it commits. Across
      // nodes the store's version check makes the loser mask again.
      const first =
        held.peek(conv.id, senderKey) ?? latest(await held.load(actor.orgId, conv.id, senderKey));
      let queued =
        isEmptyState(first.state) && !senderLock.busy(lockKey) ? queue(first) : undefined;
      let outcome: { masked: MaskedMessage; result: AppendResult };
      for (let n = 1; ; n += 1) {
        queued ??= await senderLock(lockKey, async () =>
          queue(latest(await held.load(actor.orgId, conv.id, senderKey))),
        );
        outcome = { masked: queued.masked, result: await queued.result };
        const r = outcome.result;
        // (The failed append already dropped the cached state: the next attempt reads the store's.)
        if (r.ok || r.code !== 'mask_state_stale' || n >= MASK_ATTEMPTS) break;
        queued = undefined;
      }
      const { masked, result } = outcome;
      {
        if (!result.ok) {
          // The state kept moving under this message on other nodes: a retry will succeed.
          throw new ParleyError(
            result.code === 'mask_state_stale' ? 'store_unavailable' : result.code,
          );
        }
        const message = result.message;
        const fanOut = () =>
          bus.publish(
            topics.conversation(conv.id),
            event(presentMessageFrame(message, actor.name), {
              seq: message.seq,
              conversationId: conv.id,
            }),
          );
        // A retry after store_unavailable: the first attempt may have committed after its
        // deadline, when nobody was left to fan it out, so the retry does. Each socket's delivery
        // drops a seq it already has (realtime/subscription.ts).
        if (result.duplicate) {
          await fanOut();
          return { seq: message.seq, duplicate: true };
        }
        held.remember(actor.orgId, conv.id, message.seq, masked);
        await fanOut();
        // Committed: what follows must not fail the sender (a lost decision leaves pieces masked).
        if (masked.released.length > 0 || masked.cards.length > 0)
          await held
            .decide(conv.id, masked.released, masked.cards)
            .catch((err: unknown) =>
              log.warn(
                { conversationId: conv.id, err: err instanceof Error ? err.name : 'unknown' },
                'held pieces not updated',
              ),
            );
        if (actor.kind === 'visitor' && hidCard(masked)) {
          deps.onVisitorCard?.(
            actor.orgId,
            actor.visitorId,
            Math.max(1, masked.cards.length, masked.masked.filter((k) => k === 'pan').length),
          );
          await cardNotice(actor.orgId, conv.id);
        }
        emit(actor.orgId, 'message.created', `message:${conv.id}:${message.seq}`, {
          conversationId: conv.id,
          seq: message.seq,
        });
        if (actor.kind === 'agent')
          for (const listener of agentMessageListeners) {
            try {
              listener(conv, message);
            } catch (err) {
              log.warn(
                { conversationId: conv.id, err: err instanceof Error ? err.name : 'unknown' },
                'agent message listener failed',
              );
            }
          }
        return { seq: message.seq, duplicate: false };
      }
    },

    async typing(actor: ChatActor, conversationId: string, typing: boolean): Promise<void> {
      await load(actor, conversationId, 'typing');
      const from = actor.kind;
      await bus.publish(
        topics.conversation(conversationId),
        event(
          { type: 'typing', conversationId, from, typing },
          { conversationId, audience: from === 'visitor' ? 'agent' : 'visitor' },
        ),
      );
    },

    async read(actor: ChatActor, conversationId: string, seq: number): Promise<void> {
      await load(actor, conversationId, 'view');
      await bus.publish(
        topics.conversation(conversationId),
        event({ type: 'read', conversationId, by: actor.kind, seq }, { conversationId }),
      );
    },

    /** Masks a field someone fills in (a payment description) with the organisation's rules. */
    maskField: (text: string, orgId: string) => maskField(text, orgId, false),

    /**
     * A text of the agent's desk (a note, a canned reply) with the kinds found: masked like a
     * field; with `holdDigits` every possible piece of a card stays hidden for good.
     */
    maskDeskText: maskFieldKinds,

    /** A visitor's name: masked like any field, and any digits in it hidden for good. */
    maskName: (text: string, orgId: string) => maskField(text, orgId, true),

    /**
     * Keeps what the masker must know of the digits in a visitor's name (no digit: a length and
     * two Luhn sums each), so that a card split between the name and a message is still caught.
     */
    async rememberName(orgId: string, visitorId: string, name: string | null): Promise<void> {
      let state: string | null = null;
      if (name !== null) {
        await maskingReady(orgId);
        const masked = masker.maskField(name, orgId, true);
        if (!isEmptyState(masked.state)) state = JSON.stringify(masked.state);
      }
      await store.messages.setNameMaskState(orgId, visitorId, state);
    },
  };
}
