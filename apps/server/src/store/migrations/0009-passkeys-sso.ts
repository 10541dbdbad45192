import type { Kysely, Migration } from 'kysely';

/**
 * Passkeys and single sign-on (issue 10 items 12 and 13): WebAuthn credentials
 * (public keys sealed at rest), single-use expiring WebAuthn challenges, the
 * organisation's OpenID Connect settings (client secret sealed) and its
 * phishing-resistant policy, pending OIDC sign-ins (state, nonce, PKCE
 * verifier), the IdP identity of agents and how each session signed in (for
 * back-channel logout and the admins' phishing-resistant rule). Additive only.
 */
export const passkeysSso: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('passkeys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('credential_id', 'text', (c) => c.notNull().unique())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('counter', 'bigint', (c) => c.notNull())
      .addColumn('transports', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('backed_up', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('passkeys_agent')
      .on('passkeys')
      .columns(['org_id', 'agent_id'])
      .execute();

    await db.schema
      .createTable('webauthn_challenges')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text')
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('challenge', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();

    await db.schema
      .createTable('org_identity')
      .addColumn('org_id', 'text', (c) => c.primaryKey())
      .addColumn('require_passkey_admins', 'integer', (c) => c.notNull())
      .addColumn('sso_enabled', 'integer', (c) => c.notNull())
      .addColumn('issuer', 'text')
      .addColumn('client_id', 'text')
      .addColumn('client_secret', 'text')
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('role_claim', 'text')
      .addColumn('role_map', 'text', (c) => c.notNull())
      .addColumn('default_role', 'text', (c) => c.notNull())
      .addColumn('jit', 'integer', (c) => c.notNull())
      .addColumn('mfa_amr', 'text', (c) => c.notNull())
      .addColumn('mfa_acr', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('oidc_flows')
      .addColumn('state', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('code_verifier', 'text', (c) => c.notNull())
      .addColumn('nonce', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();

    await db.schema
      .createTable('agent_oidc')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('agent_oidc_pk', ['org_id', 'issuer', 'subject'])
      .execute();

    await db.schema
      .createTable('session_identity')
      .addColumn('token_hash', 'text', (c) =>
        c.primaryKey().references('agent_sessions.token_hash').onDelete('cascade'),
      )
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('passkey_at', 'bigint')
      .addColumn('oidc_issuer', 'text')
      .addColumn('oidc_subject', 'text')
      .addColumn('oidc_sid', 'text')
      .execute();
    await db.schema
      .createIndex('session_identity_oidc')
      .on('session_identity')
      .columns(['org_id', 'oidc_subject'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    for (const t of [
      'session_identity',
      'agent_oidc',
      'oidc_flows',
      'org_identity',
      'webauthn_challenges',
      'passkeys',
    ])
      await db.schema.dropTable(t).execute();
  },
};
