import { ParleyError, type RateRequest, type RatingReport } from '@parley/protocol';
import { topics, type Bus } from '../../bus';
import type { Logger } from '../../logger';
import type { RatingRow, Store } from '../../store';
import type { AgentActor } from '../auth';
import type { ChatActor, ChatService } from '../chat';
import { feedbackAllowed } from './policy';
import { presentRatingFrame } from './presenter';
import type { ChatEventSink } from '../webhooks';

export interface RatingsDeps {
  store: Store;
  bus: Bus;
  chat: ChatService;
  log: Logger;
  /** Committed chat events (webhooks); ids only. */
  events?: ChatEventSink;
}

const DAY = 86_400_000;

/**
 * Ratings (issue 15 item 4): the visitor rates a closed conversation 1–5 with an optional
 * comment. The comment passes the masker before it is stored or published (law 1) with every
 * possible piece of a card hidden for good (it is never joined with later texts).
 */
export function createRatingsService(deps: RatingsDeps) {
  const { store, bus, chat, log } = deps;

  return {
    async rate(
      actor: ChatActor & { kind: 'visitor' },
      conversationId: string,
      input: RateRequest,
    ): Promise<RatingRow> {
      // The chat policy: a visitor only its own conversation (404 otherwise).
      const conv = await chat.authorize(actor, conversationId, 'view');
      if (conv.status !== 'closed') throw new ParleyError('conversation_not_closed');
      const comment = input.comment
        ? await chat.maskDeskText(input.comment, conv.orgId, true)
        : null;
      const row = await store.feedback.rate({
        orgId: conv.orgId,
        conversationId: conv.id,
        visitorId: conv.visitorId,
        agentId: conv.agentId,
        score: input.score,
        comment: comment?.text ?? null,
        masked: comment ? [...new Set(comment.masked)] : [],
        now: Date.now(),
      });
      log.info(
        { orgId: conv.orgId, conversationId: conv.id, score: row.score },
        'conversation rated',
      );
      await bus.publish(topics.organisation(conv.orgId), {
        audience: 'agent',
        conversationId: conv.id,
        frame: JSON.stringify(presentRatingFrame(row)),
      });
      deps.events?.emit({
        orgId: conv.orgId,
        type: 'conversation.rated',
        key: `rated:${conv.id}:${row.updatedAt}`,
        subject: { conversationId: conv.id },
        occurredAt: row.updatedAt,
      });
      return row;
    },

    async rating(actor: ChatActor, conversationId: string): Promise<RatingRow | undefined> {
      const conv = await chat.authorize(actor, conversationId, 'view');
      if (actor.kind === 'agent' && !feedbackAllowed(actor, 'rating:read', conv))
        throw new ParleyError('forbidden');
      return store.feedback.rating(conv.orgId, conv.id);
    },

    /** Ratings of a range (the last 30 days by default), overall and per agent. */
    async report(
      actor: AgentActor,
      range: { from?: number | undefined; to?: number | undefined },
    ): Promise<RatingReport> {
      if (!feedbackAllowed(actor, 'report:read', { orgId: actor.orgId }))
        throw new ParleyError('forbidden');
      const to = range.to ?? Date.now() + 1;
      const from = range.from ?? to - 30 * DAY;
      if (from >= to) throw new ParleyError('bad_request', '`from` must be before `to`.');
      const counts = await store.feedback.ratingCounts(actor.orgId, from, to);
      const distribution: [number, number, number, number, number] = [0, 0, 0, 0, 0];
      const agents = new Map<
        string,
        { agentId: string | null; name: string | null; n: number; sum: number }
      >();
      let count = 0;
      let sum = 0;
      for (const c of counts) {
        if (c.score < 1 || c.score > 5) continue;
        distribution[c.score - 1] = (distribution[c.score - 1] ?? 0) + c.count;
        count += c.count;
        sum += c.score * c.count;
        const key = c.agentId ?? '';
        const a = agents.get(key) ?? { agentId: c.agentId, name: c.agentName, n: 0, sum: 0 };
        a.n += c.count;
        a.sum += c.score * c.count;
        agents.set(key, a);
      }
      const round = (x: number) => Math.round(x * 100) / 100;
      return {
        from,
        to,
        count,
        average: count > 0 ? round(sum / count) : null,
        distribution,
        agents: [...agents.values()]
          .map((a) => ({
            agentId: a.agentId,
            name: a.name,
            count: a.n,
            average: round(a.sum / a.n),
          }))
          .sort((x, y) => y.count - x.count),
      };
    },
  };
}

export type RatingsService = ReturnType<typeof createRatingsService>;
