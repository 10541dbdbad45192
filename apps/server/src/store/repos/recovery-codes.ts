import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, RecoveryCodesRepo } from '../types';

/** An agent's single-use recovery codes, stored as hashes (recovery_codes). */
export function recoveryCodesRepo(db: Kysely<Database>): RecoveryCodesRepo {
  return {
    async replaceRecoveryCodes(orgId, agentId, hashes) {
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('recovery_codes')
          .where('org_id', '=', orgId)
          .where('agent_id', '=', agentId)
          .execute();
        if (hashes.length > 0) {
          await trx
            .insertInto('recovery_codes')
            .values(
              hashes.map((h) => ({
                id: randomUUID(),
                org_id: orgId,
                agent_id: agentId,
                code_hash: h,
                used_at: null,
              })),
            )
            .execute();
        }
      });
    },
    async useRecoveryCode(orgId, agentId, codeHash, now) {
      const res = await db
        .updateTable('recovery_codes')
        .set({ used_at: now })
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return res.numUpdatedRows > 0n;
    },
    async unusedRecoveryCodes(orgId, agentId) {
      const r = await db
        .selectFrom('recovery_codes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },
  };
}
