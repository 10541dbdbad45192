import type { Kysely, Migration } from 'kysely';

/**
 * Agent access under attack (issue 10): spent proof-of-work challenges, the
 * step-up proofs of a session, the address a session signed in from (so an
 * allowlist change can end it), the expiry of one-time passwords and the
 * organisation's idle timeout. Additive only.
 */
export const accessSecurity: Migration = {
  async up(db: Kysely<unknown>) {
    // A solved ALTCHA challenge is accepted once: its signature is kept until it expires.
    await db.schema
      .createTable('auth_challenges_used')
      .addColumn('signature', 'text', (c) => c.primaryKey())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();

    // When the session last proved the password and a second factor (step-up, five minutes).
    await db.schema
      .createTable('session_proofs')
      .addColumn('token_hash', 'text', (c) =>
        c.primaryKey().references('agent_sessions.token_hash').onDelete('cascade'),
      )
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('password_at', 'bigint')
      .addColumn('factor_at', 'bigint')
      .execute();

    await db.schema.alterTable('agent_sessions').addColumn('ip', 'text').execute();
    await db.schema.alterTable('agent_mfa').addColumn('otp_expires_at', 'bigint').execute();
    await db.schema.alterTable('org_security').addColumn('idle_minutes', 'integer').execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('org_security').dropColumn('idle_minutes').execute();
    await db.schema.alterTable('agent_mfa').dropColumn('otp_expires_at').execute();
    await db.schema.alterTable('agent_sessions').dropColumn('ip').execute();
    await db.schema.dropTable('session_proofs').execute();
    await db.schema.dropTable('auth_challenges_used').execute();
  },
};
