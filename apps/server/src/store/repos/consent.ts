import type { Compilable, Kysely } from 'kysely';
import type { ConsentRepo, ConsentRow, ConsentVersionRow, Database, Tx } from '../types';

/** Runs a statement in `tx` when given (the change and its audit entry commit together), else on its own. */
function run<R>(q: Compilable<R> & { execute(): Promise<R[]> }, tx: Tx | undefined): Promise<R[]> {
  return tx ? tx.execute(q) : q.execute();
}

// PostgreSQL returns bigint as a string.
const num = (v: number | string) => Number(v);
const numOrNull = (v: number | string | null) => (v === null ? null : Number(v));

const versionRow = (r: {
  version: number | string;
  text: string;
  privacy_url: string | null;
  created_at: number | string;
}): ConsentVersionRow => ({
  version: num(r.version),
  text: r.text,
  privacyUrl: r.privacy_url,
  createdAt: num(r.created_at),
});

const consentRow = (r: {
  id: string;
  org_id: string;
  visitor_id: string;
  conversation_id: string;
  version: number | string;
  given_at: number | string;
  withdrawn_at: number | string | null;
  evidence: string;
}): ConsentRow => ({
  id: r.id,
  orgId: r.org_id,
  visitorId: r.visitor_id,
  conversationId: r.conversation_id,
  version: num(r.version),
  givenAt: num(r.given_at),
  withdrawnAt: numOrNull(r.withdrawn_at),
  evidence: r.evidence,
});

/** Pre-chat consent settings, versions and records (0040-consent). */
export function consentRepo(db: Kysely<Database>): ConsentRepo {
  const version = async (orgId: string, v: number, tx?: Tx) => {
    const [r] = await run(
      db
        .selectFrom('consent_versions')
        .select(['version', 'text', 'privacy_url', 'created_at'])
        .where('org_id', '=', orgId)
        .where('version', '=', v),
      tx,
    );
    return r && versionRow(r);
  };
  const settings = async (orgId: string, tx?: Tx) => {
    const [s] = await run(
      db.selectFrom('consent_settings').selectAll().where('org_id', '=', orgId),
      tx,
    );
    if (!s) return undefined;
    const current = await version(orgId, num(s.current_version), tx);
    if (!current) throw new Error('consent settings name a version that is not stored');
    return {
      orgId,
      required: num(s.required) === 1,
      onWithdrawal: s.on_withdrawal,
      current,
      updatedAt: num(s.updated_at),
    };
  };
  const latestVersion = async (orgId: string, tx: Tx | undefined) =>
    (
      await run(
        db
          .selectFrom('consent_versions')
          .select(['version', 'text', 'privacy_url', 'created_at'])
          .where('org_id', '=', orgId)
          .orderBy('version', 'desc')
          .limit(1),
        tx,
      )
    )[0];
  return {
    settings: (orgId) => settings(orgId),
    version: (orgId, v) => version(orgId, v),
    async versions(orgId) {
      const rows = await db
        .selectFrom('consent_versions')
        .select(['version', 'text', 'privacy_url', 'created_at'])
        .where('org_id', '=', orgId)
        .orderBy('version', 'desc')
        .execute();
      return rows.map(versionRow);
    },
    async ensureVersion(orgId, v, tx) {
      await run(
        db
          .insertInto('consent_versions')
          .values({
            org_id: orgId,
            version: v.version,
            text: v.text,
            privacy_url: v.privacyUrl,
            created_at: v.createdAt,
            created_by: null,
          })
          .onConflict((oc) => oc.columns(['org_id', 'version']).doNothing()),
        tx,
      );
    },
    async save(orgId, input, by, now, tx) {
      let current = await latestVersion(orgId, tx);
      // Two admins saving at once: the second insert of the same number loses and tries the next.
      for (let attempt = 0; attempt < 5; attempt++) {
        if (current && current.text === input.text && current.privacy_url === input.privacyUrl)
          break;
        const next = (current ? num(current.version) : 0) + 1;
        const inserted = await run(
          db
            .insertInto('consent_versions')
            .values({
              org_id: orgId,
              version: next,
              text: input.text,
              privacy_url: input.privacyUrl,
              created_at: now,
              created_by: by,
            })
            .onConflict((oc) => oc.columns(['org_id', 'version']).doNothing())
            .returning('version'),
          tx,
        );
        if (inserted.length > 0) {
          current = {
            version: next,
            text: input.text,
            privacy_url: input.privacyUrl,
            created_at: now,
          };
          break;
        }
        current = await latestVersion(orgId, tx);
      }
      if (!current) throw new Error('consent version not stored');
      const values = {
        required: input.required ? 1 : 0,
        current_version: num(current.version),
        on_withdrawal: input.onWithdrawal,
        updated_at: now,
        updated_by: by,
      };
      await run(
        db
          .insertInto('consent_settings')
          .values({ org_id: orgId, ...values })
          .onConflict((oc) => oc.column('org_id').doUpdateSet(values)),
        tx,
      );
      const saved = await settings(orgId, tx);
      if (!saved) throw new Error('consent settings not stored');
      return saved;
    },
    async record(row, tx) {
      await run(db.insertInto('consents').values(row), tx);
    },
    async forConversation(orgId, conversationId) {
      const r = await db
        .selectFrom('consents')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('conversation_id', '=', conversationId)
        .orderBy('given_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r && consentRow(r);
    },
    async forVisitor(orgId, visitorId) {
      const rows = await db
        .selectFrom('consents')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('visitor_id', '=', visitorId)
        .orderBy('given_at', 'asc')
        .execute();
      return rows.map(consentRow);
    },
    async withdraw(orgId, visitorId, now, tx) {
      const rows = await run(
        db
          .updateTable('consents')
          .set({ withdrawn_at: now })
          .where('org_id', '=', orgId)
          .where('visitor_id', '=', visitorId)
          .where('withdrawn_at', 'is', null)
          .returning('id'),
        tx,
      );
      return rows.length;
    },
  };
}
