/** Server→vault erasure (issue 12 item 6): signed with VAULT_SIGNING_SECRET_IN like every /v1 call. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { VaultContext } from '../../context';
import { requireServerSignature } from '../../http/app';
import { eraseConversations } from './anonymise';

export const ErasureRequestSchema = z
  .object({
    orgId: z.string().min(1).max(64),
    conversationIds: z.array(z.string().min(1).max(64)).min(1).max(10_000),
  })
  .strict();

export async function privacyRoutes(app: FastifyInstance, ctx: VaultContext): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('preHandler', requireServerSignature(ctx));
    scope.post('/v1/erasures', async (request) => {
      const input = ErasureRequestSchema.parse(request.body);
      const payments = await eraseConversations(ctx, input.orgId, input.conversationIds);
      ctx.log.info({ orgId: input.orgId, payments }, 'erasure: payment records anonymised');
      return { payments };
    });
  });
}
