import type { Kysely } from 'kysely';
import { parseStringArray } from '../mappers';
import type {
  Database,
  MfaPolicy,
  OrgSecurityRepo,
  OrgSecurityRow,
  OrgSecurityTable,
} from '../types';

const POLICIES: readonly MfaPolicy[] = ['admins', 'all', 'none'];

function toSettings(orgId: string, r: OrgSecurityTable | undefined): OrgSecurityRow {
  if (!r)
    return {
      orgId,
      mfaPolicy: 'admins',
      ipAllowlist: [],
      webhookUrl: null,
      webhookSecret: null,
      idleMinutes: null,
      updatedAt: 0,
    };
  return {
    orgId: r.org_id,
    // An unknown value fails closed to the default, never to "none".
    mfaPolicy: POLICIES.includes(r.mfa_policy as MfaPolicy)
      ? (r.mfa_policy as MfaPolicy)
      : 'admins',
    ipAllowlist: parseStringArray(r.ip_allowlist),
    webhookUrl: r.webhook_url,
    webhookSecret: r.webhook_secret,
    idleMinutes: r.idle_minutes === null ? null : Number(r.idle_minutes),
    updatedAt: Number(r.updated_at),
  };
}

/** An organisation's security settings: MFA policy, IP allowlist, security webhook, idle lock (org_security). */
export function orgSecurityRepo(db: Kysely<Database>): OrgSecurityRepo {
  async function settingsRow(orgId: string): Promise<OrgSecurityTable | undefined> {
    return db.selectFrom('org_security').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  }

  return {
    async settings(orgId) {
      return toSettings(orgId, await settingsRow(orgId));
    },
    async updateSettings(orgId, patch, now) {
      const current = toSettings(orgId, await settingsRow(orgId));
      const next: OrgSecurityTable = {
        org_id: orgId,
        mfa_policy: patch.mfaPolicy ?? current.mfaPolicy,
        ip_allowlist: JSON.stringify(patch.ipAllowlist ?? current.ipAllowlist),
        webhook_url: patch.webhookUrl !== undefined ? patch.webhookUrl : current.webhookUrl,
        webhook_secret:
          patch.webhookSecret !== undefined ? patch.webhookSecret : current.webhookSecret,
        idle_minutes: patch.idleMinutes !== undefined ? patch.idleMinutes : current.idleMinutes,
        updated_at: now,
      };
      const { org_id: _id, ...set } = next;
      await db
        .insertInto('org_security')
        .values(next)
        .onConflict((oc) => oc.column('org_id').doUpdateSet(set))
        .execute();
      return toSettings(orgId, next);
    },
  };
}
