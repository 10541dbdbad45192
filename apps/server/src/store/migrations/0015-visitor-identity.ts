import type { Kysely, Migration } from 'kysely';

/**
 * Verified visitors (issue 11 item 1): each organisation's identity-token
 * settings (`org_visitor_identity`; the name `org_identity` is the agents'
 * passkeys/SSO table of 0009), the verified identity bound to a visitor, extra
 * visitor tokens so one verified customer keeps one visitor (and its
 * conversations) across devices, and the used token ids (`jti`) for replay
 * checks. Additive only.
 */
export const visitorIdentity: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('org_visitor_identity')
      .addColumn('org_id', 'text', (c) => c.primaryKey())
      .addColumn('mode', 'text', (c) => c.notNull()) // off | optional | required
      .addColumn('algorithm', 'text', (c) => c.notNull()) // HS256 | RS256 | ES256
      // HS256 secret, sealed (AES-256-GCM, modules/security/keyring.ts); null for RS256/ES256.
      .addColumn('secret', 'text')
      // SPKI PEM of the host's public key for RS256/ES256 (public: stored as is).
      .addColumn('public_key', 'text')
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('audience', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    // subject_hash = HMAC(seal-derived key, org + sub): found without storing the host's user id in clear.
    await db.schema
      .createTable('visitor_identities')
      .addColumn('visitor_id', 'text', (c) =>
        c.primaryKey().references('visitors.id').onDelete('cascade'),
      )
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('subject_hash', 'text', (c) => c.notNull())
      // Sealed JSON { sub, email, name } as the host signed it (name masked first).
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('verified_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('visitor_identities_subject')
      .on('visitor_identities')
      .columns(['org_id', 'subject_hash'])
      .unique()
      .execute();

    await db.schema
      .createTable('visitor_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('visitor_id', 'text', (c) =>
        c.notNull().references('visitors.id').onDelete('cascade'),
      )
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('identity_token_uses')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('jti', 'text', (c) => c.notNull())
      // SHA-256 of the visitor token of the session that used it first.
      .addColumn('session_hash', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('identity_token_uses_pk', ['org_id', 'jti'])
      .execute();
    await db.schema
      .createIndex('identity_token_uses_expiry')
      .on('identity_token_uses')
      .column('expires_at')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('identity_token_uses').execute();
    await db.schema.dropTable('visitor_tokens').execute();
    await db.schema.dropTable('visitor_identities').execute();
    await db.schema.dropTable('org_visitor_identity').execute();
  },
};
