import { randomUUID } from 'node:crypto';
import {
  ParleyError,
  type ConversationBlockRequest,
  type NetworkBlockRequest,
} from '@parley/protocol';
import type { Bus } from '../../bus';
import type { Logger } from '../../logger';
import type { Store, VisitorBlockRow } from '../../store';
import { audit } from '../audit';
import type { AgentContext } from '../auth';
import { ipAllowed, parseCidr, type Signals } from '../security';
import { networkAround } from './network';
import { mayBlockFromConversation, mayManageBlocks } from './policy';

/** Every node learns of a new or lifted block here: its gateway closes the sockets it covers. */
export const BLOCKS_TOPIC = 'visitor-blocks';

/** What a block announces on the bus; `visitorIds` and `network` say whose sockets close. */
export interface BlockAnnouncement {
  orgId: string;
  visitorIds: string[];
  network: string | null;
}

/** Who is asking to chat: what a block can match. */
export interface VisitorFacts {
  visitorId?: string | undefined;
  ip?: string | null | undefined;
  /** Keyed hash of a verified identity's subject. */
  subjectHash?: string | undefined;
}

const CACHE_MS = 30_000;
const LIST_LIMIT = 500;

export type BlockService = ReturnType<typeof createBlockService>;

/**
 * Blocking visitors (issue 11 item 4, docs/security.md "Blocking visitors").
 * An agent blocks from a conversation (the visitor, its address or network,
 * its verified identity) with a reason and an optional expiry; admins list,
 * add network blocks and lift. Blocks and lifts are audited; a block is
 * published on the bus so every node closes the covered sockets at once; a
 * refused attempt is the aggregated security event `blocked_retry`.
 */
export function createBlockService(deps: {
  store: Store;
  bus: Bus;
  log: Logger;
  signals: Signals;
  /** Masks agent-typed text before it is stored (law 1). */
  maskText(text: string, orgId: string): Promise<string>;
  /** The conversation, after the chat policy allowed the agent to view it. */
  conversationOf(ctx: AgentContext, conversationId: string): Promise<{ visitorId: string }>;
  now?: () => number;
}) {
  const { store } = deps;
  const now = deps.now ?? (() => Date.now());
  const cache = new Map<string, { rows: VisitorBlockRow[]; at: number }>();
  const noted = new Map<string, { ip: string; at: number }>();

  async function activeOf(orgId: string): Promise<VisitorBlockRow[]> {
    const at = now();
    const hit = cache.get(orgId);
    if (hit && at - hit.at < CACHE_MS) return hit.rows;
    const rows = await store.blocks.active(orgId, at);
    if (cache.size > 10_000) cache.clear();
    cache.set(orgId, { rows, at });
    return rows;
  }

  const live = (b: VisitorBlockRow, at: number) =>
    b.liftedAt === null && (b.expiresAt === null || b.expiresAt > at);

  function matches(b: VisitorBlockRow, who: VisitorFacts): boolean {
    if (b.visitorId !== null && b.visitorId === who.visitorId) return true;
    if (b.subjectHash !== null && b.subjectHash === who.subjectHash) return true;
    return b.network !== null && !!who.ip && ipAllowed([b.network], who.ip);
  }

  async function announce(a: BlockAnnouncement): Promise<void> {
    cache.delete(a.orgId);
    await deps.bus.publish(BLOCKS_TOPIC, { audience: 'all', frame: JSON.stringify(a) });
  }

  const subscription = deps.bus.subscribe(BLOCKS_TOPIC, (e) => {
    try {
      const { orgId } = JSON.parse(e.frame) as { orgId?: unknown };
      if (typeof orgId === 'string') cache.delete(orgId);
    } catch {
      deps.log.warn('malformed block event');
    }
  });
  subscription.catch(() => undefined);

  async function record(ctx: AgentContext, b: VisitorBlockRow, ip: string): Promise<void> {
    await audit.record(store, {
      orgId: b.orgId,
      actor: { kind: 'agent', id: ctx.agent.id },
      action: 'visitor.block',
      outcome: 'success',
      ip,
      resource: { type: 'visitor_block', id: b.id },
      detail: {
        kind: b.kind,
        visitorId: b.visitorId,
        network: b.network,
        conversationId: b.conversationId,
        expiresAt: b.expiresAt,
        reason: b.reason,
      },
    });
  }

  async function create(
    ctx: AgentContext,
    fields: Pick<
      VisitorBlockRow,
      'kind' | 'visitorId' | 'network' | 'subjectHash' | 'conversationId'
    >,
    reason: string,
    expiresInMinutes: number | null | undefined,
    ip: string,
  ): Promise<VisitorBlockRow> {
    const at = now();
    const orgId = ctx.organisation.id;
    const row = await store.blocks.create({
      id: randomUUID(),
      orgId,
      ...fields,
      reason: await deps.maskText(reason, orgId),
      createdBy: ctx.agent.id,
      createdAt: at,
      expiresAt: expiresInMinutes ? at + expiresInMinutes * 60_000 : null,
    });
    await record(ctx, row, ip);
    deps.log.info(
      { orgId, agentId: ctx.agent.id, blockId: row.id, kind: row.kind },
      'visitor blocked',
    );
    await announce({
      orgId,
      visitorIds: row.visitorId ? [row.visitorId] : [],
      network: row.network,
    });
    return row;
  }

  return {
    /** Subscribed to the bus (tests wait for it before publishing from another node). */
    ready: () => subscription.then(() => undefined),

    async blockFromConversation(
      ctx: AgentContext,
      conversationId: string,
      input: ConversationBlockRequest,
      ip: string,
    ): Promise<VisitorBlockRow> {
      if (!mayBlockFromConversation(ctx)) throw new ParleyError('forbidden');
      const { visitorId } = await deps.conversationOf(ctx, conversationId);
      const orgId = ctx.organisation.id;
      const base = { conversationId, subjectHash: null, network: null, visitorId: null };
      switch (input.kind) {
        case 'visitor':
          return create(
            ctx,
            { ...base, kind: 'visitor', visitorId },
            input.reason,
            input.expiresInMinutes,
            ip,
          );
        case 'address':
        case 'network': {
          const address = await store.blocks.addressOf(orgId, visitorId);
          if (!address)
            throw new ParleyError(
              'bad_request',
              "The visitor's address is not known yet; block the visitor instead.",
            );
          const v4 = !address.includes(':');
          const prefix =
            input.kind === 'address' ? (v4 ? 32 : 128) : (input.prefix ?? (v4 ? 24 : 48));
          const network = networkAround(address, prefix);
          if (!network)
            throw new ParleyError('bad_request', 'That prefix does not fit the address.');
          return create(
            ctx,
            { ...base, kind: input.kind, network },
            input.reason,
            input.expiresInMinutes,
            ip,
          );
        }
        case 'identity': {
          const bound = await store.visitorIdentity.byVisitor(orgId, visitorId);
          if (!bound)
            throw new ParleyError(
              'bad_request',
              'This visitor is not verified by your website; block the visitor or its address instead.',
            );
          return create(
            ctx,
            { ...base, kind: 'identity', visitorId, subjectHash: bound.subjectHash },
            input.reason,
            input.expiresInMinutes,
            ip,
          );
        }
      }
    },

    async blockNetwork(ctx: AgentContext, input: NetworkBlockRequest, ip: string) {
      if (!mayManageBlocks(ctx)) throw new ParleyError('forbidden');
      const network = parseCidr(input.network);
      if (!network)
        throw new ParleyError(
          'bad_request',
          `"${input.network}" is not an IPv4 or IPv6 address or CIDR range.`,
        );
      const [addr, prefix] = network.split('/') as [string, string];
      // A range so wide it blocks a large part of the internet is a typo, not a policy.
      if (Number(prefix) < (addr.includes(':') ? 32 : 8))
        throw new ParleyError(
          'bad_request',
          'That range is too wide to block (at most /8, IPv6 /32).',
        );
      const canonical = networkAround(addr, Number(prefix)) ?? network;
      const single = canonical.endsWith('/32') || canonical.endsWith('/128');
      return create(
        ctx,
        {
          kind: single ? 'address' : 'network',
          visitorId: null,
          network: canonical,
          subjectHash: null,
          conversationId: null,
        },
        input.reason,
        input.expiresInMinutes,
        ip,
      );
    },

    async list(ctx: AgentContext): Promise<VisitorBlockRow[]> {
      if (!mayManageBlocks(ctx)) throw new ParleyError('forbidden');
      return store.blocks.list(ctx.organisation.id, LIST_LIMIT);
    },

    async lift(ctx: AgentContext, id: string, ip: string): Promise<void> {
      if (!mayManageBlocks(ctx)) throw new ParleyError('forbidden');
      const orgId = ctx.organisation.id;
      // Another organisation's block answers exactly like a miss.
      if (!(await store.blocks.lift(orgId, id, ctx.agent.id, now())))
        throw new ParleyError('not_found');
      await audit.record(store, {
        orgId,
        actor: { kind: 'agent', id: ctx.agent.id },
        action: 'visitor.unblock',
        outcome: 'success',
        ip,
        resource: { type: 'visitor_block', id },
      });
      await announce({ orgId, visitorIds: [], network: null });
    },

    /**
     * Refuses a blocked visitor with the neutral `chat_unavailable` and counts
     * the attempt (aggregated `blocked_retry` event, and the block's count).
     */
    async assertAllowed(orgId: string, who: VisitorFacts, where: string): Promise<void> {
      const at = now();
      const blocks = await activeOf(orgId);
      if (blocks.length === 0) return;
      let subjectHash = who.subjectHash;
      if (subjectHash === undefined && who.visitorId && blocks.some((b) => b.subjectHash !== null))
        subjectHash = (await store.visitorIdentity.byVisitor(orgId, who.visitorId))?.subjectHash;
      const hit = blocks.find((b) => live(b, at) && matches(b, { ...who, subjectHash }));
      if (!hit) return;
      deps.signals.report(orgId, 'blocked_retry', hit.id, {
        ip: who.ip ?? null,
        detail: { blockId: hit.id, kind: hit.kind, at: where },
        onEmit: (count) =>
          void store.blocks
            .addRefused(orgId, hit.id, count)
            .catch((err: unknown) =>
              deps.log.warn(
                { orgId, blockId: hit.id, err: err instanceof Error ? err.message : 'unknown' },
                'block: refused count not written',
              ),
            ),
      });
      throw new ParleyError('chat_unavailable');
    },

    /** Remembers the visitor's address for "block this address" (one write a minute per visitor at most). */
    async seen(orgId: string, visitorId: string, ip: string | null | undefined): Promise<void> {
      if (!ip) return;
      const at = now();
      const last = noted.get(visitorId);
      if (last && last.ip === ip && at - last.at < 60_000) return;
      if (noted.size > 10_000) noted.clear();
      noted.set(visitorId, { ip, at });
      await store.blocks.noteAddress(orgId, visitorId, ip, at);
    },

    stop(): void {
      void subscription.then(
        (unsubscribe) => unsubscribe(),
        () => undefined,
      );
    },
  };
}
