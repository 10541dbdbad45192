import { ParleyError, type RateRequest } from '@parley/protocol';
import { topics, type Bus } from '../../bus';
import type { Logger } from '../../logger';
import type { RatingRow, Store } from '../../store';
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
  };
}

export type RatingsService = ReturnType<typeof createRatingsService>;
