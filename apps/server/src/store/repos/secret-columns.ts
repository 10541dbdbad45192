import type { Kysely } from 'kysely';
import type { Database, SecretColumnsRepo, SecurityRepo } from '../types';

/** Every sealed secret column of the security tables, for key rotation (rewrapping under a new key). */
export function secretColumnsRepo(db: Kysely<Database>): SecretColumnsRepo {
  return {
    async secretColumns() {
      const out: Awaited<ReturnType<SecurityRepo['secretColumns']>> = [];
      const mfa = await db
        .selectFrom('agent_mfa')
        .select(['agent_id', 'totp_secret', 'pending_secret'])
        .execute();
      for (const r of mfa) {
        if (r.totp_secret !== null)
          out.push({
            table: 'agent_mfa',
            id: r.agent_id,
            column: 'totp_secret',
            value: r.totp_secret,
          });
        if (r.pending_secret !== null)
          out.push({
            table: 'agent_mfa',
            id: r.agent_id,
            column: 'pending_secret',
            value: r.pending_secret,
          });
      }
      const orgs = await db
        .selectFrom('org_security')
        .select(['org_id', 'webhook_secret'])
        .execute();
      for (const r of orgs)
        if (r.webhook_secret !== null)
          out.push({
            table: 'org_security',
            id: r.org_id,
            column: 'webhook_secret',
            value: r.webhook_secret,
          });
      return out;
    },
    async setSecretColumn(table, id, column, value) {
      if (table === 'agent_mfa') {
        const col = column === 'pending_secret' ? 'pending_secret' : 'totp_secret';
        await db
          .updateTable('agent_mfa')
          .set({ [col]: value })
          .where('agent_id', '=', id)
          .execute();
      } else {
        await db
          .updateTable('org_security')
          .set({ webhook_secret: value })
          .where('org_id', '=', id)
          .execute();
      }
    },
  };
}
