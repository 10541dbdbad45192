import {
  VisitorBlockCreatedSchema,
  VisitorBlockListSchema,
  type ConversationBlockRequest,
  type NetworkBlockRequest,
  type VisitorBlock,
} from '@parley/protocol';
import { call } from './api';

/** Visitor blocks (apps/server/src/modules/blocks/routes.ts). */
export const blocksApi = {
  list: async (): Promise<VisitorBlock[]> =>
    (await call(VisitorBlockListSchema, '/api/blocks')).blocks,
  fromConversation: async (
    conversationId: string,
    input: ConversationBlockRequest,
  ): Promise<VisitorBlock> =>
    (
      await call(
        VisitorBlockCreatedSchema,
        `/api/conversations/${encodeURIComponent(conversationId)}/block`,
        'POST',
        input,
      )
    ).block,
  network: async (input: NetworkBlockRequest): Promise<VisitorBlock> =>
    (await call(VisitorBlockCreatedSchema, '/api/blocks', 'POST', input)).block,
  lift: async (id: string): Promise<void> => {
    await call(null, `/api/blocks/${encodeURIComponent(id)}`, 'DELETE');
  },
};

/** The expiry choices offered, in minutes (null: until lifted). */
export const BLOCK_DURATIONS: readonly (readonly [minutes: number | null, label: string])[] = [
  [60, 'blocks.hour1'],
  [1440, 'blocks.day1'],
  [10_080, 'blocks.days7'],
  [43_200, 'blocks.days30'],
  [null, 'blocks.untilLifted'],
];
