import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * The keys Parley keeps outside its database (DESIGN.md laws 6 and 9): one
 * seals stored credentials (AES-256-GCM), one keys the audit chain (HMAC).
 * Each comes from the environment (PARLEY_SECRETS_KEY, PARLEY_AUDIT_KEY;
 * every node of a cluster sets the same) or, on the embedded first run, from a
 * 0600 file in the data directory. Neither is ever written to the store.
 */
export interface Keyring {
  sealKey: Buffer;
  auditKey: Buffer;
}

const SEALED = 'enc:v1:';

function keyFromText(name: string, text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64url');
  if (key.length !== 32)
    throw new Error(`${name} must be 32 bytes (64 hex or 43 base64url characters)`);
  return key;
}

function fileKey(dataDir: string, file: string): Buffer {
  const path = join(dataDir, file);
  if (!existsSync(path)) {
    try {
      writeFileSync(path, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another node or process created it first: use theirs.
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
    }
  }
  chmodSync(path, 0o600);
  return keyFromText(path, readFileSync(path, 'utf8'));
}

/** Loads (or on first run creates) the keyring. */
export function loadKeyring(opts: {
  dataDir: string;
  secretsKey?: string | undefined;
  auditKey?: string | undefined;
}): Keyring {
  secureDataDir(opts.dataDir);
  return {
    sealKey: opts.secretsKey
      ? keyFromText('PARLEY_SECRETS_KEY', opts.secretsKey)
      : fileKey(opts.dataDir, 'secrets.key'),
    auditKey: opts.auditKey
      ? keyFromText('PARLEY_AUDIT_KEY', opts.auditKey)
      : fileKey(opts.dataDir, 'audit.key'),
  };
}

/**
 * The key-encryption key of the data keys (law 9, issue 12): PARLEY_DATA_KEY (every node the
 * same) or data.key (0600) in the data directory on the embedded first run. Never in the store.
 * PARLEY_DATA_KEY_PREVIOUS (comma-separated) still unwraps data keys during a rotation.
 */
export function loadDataKeks(opts: {
  dataDir: string;
  dataKey?: string | undefined;
  dataKeyPrevious?: string[] | undefined;
}): Buffer[] {
  secureDataDir(opts.dataDir);
  const primary = opts.dataKey
    ? keyFromText('PARLEY_DATA_KEY', opts.dataKey)
    : fileKey(opts.dataDir, 'data.key');
  return [
    primary,
    ...(opts.dataKeyPrevious ?? []).map((k) => keyFromText('PARLEY_DATA_KEY_PREVIOUS', k)),
  ];
}

/** Files of the data directory that hold data or secrets: 0600 whatever existed before. */
const PRIVATE_FILES = [
  'parley.db',
  'parley.db-wal',
  'parley.db-shm',
  'parley.db-journal',
  'secrets.key',
  'audit.key',
  'data.key',
  'audit-checkpoints.jsonl',
  'edge-secrets.json',
];

/**
 * The data directory 0700 and every database, WAL/SHM and secret file in it
 * 0600, on every start (a directory made by hand or restored from a backup may
 * have looser modes). The database file is created 0600 before SQLite opens it,
 * so the WAL and SHM files SQLite creates beside it inherit that mode.
 */
export function secureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if ((statSync(dataDir).mode & 0o777) !== 0o700) chmodSync(dataDir, 0o700);
  const db = join(dataDir, 'parley.db');
  if (!existsSync(db)) closeSync(openSync(db, 'a', 0o600));
  for (const f of PRIVATE_FILES) {
    const path = join(dataDir, f);
    if (existsSync(path) && (statSync(path).mode & 0o777) !== 0o600) chmodSync(path, 0o600);
  }
}

/** True for a value sealed by `seal`. */
export function isSealed(value: string): boolean {
  return value.startsWith(SEALED);
}

/**
 * Seals a credential with AES-256-GCM. `context` (table, column, row id) is
 * authenticated data: a sealed value copied to another row does not open.
 */
export function seal(keyring: Keyring, plain: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyring.sealKey, iv);
  cipher.setAAD(Buffer.from(context));
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${SEALED}${iv.toString('base64url')}.${tag.toString('base64url')}.${ct.toString('base64url')}`;
}

/** Opens a sealed value; throws on a clear, tampered or foreign value (fail closed). */
export function open(keyring: Keyring, sealed: string, context: string): string {
  if (!isSealed(sealed)) throw new Error(`stored credential (${context}) is not sealed`);
  const [iv, tag, ct] = sealed.slice(SEALED.length).split('.');
  if (iv === undefined || tag === undefined || ct === undefined)
    throw new Error(`stored credential (${context}) is malformed`);
  const decipher = createDecipheriv('aes-256-gcm', keyring.sealKey, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString(
    'utf8',
  );
}

/** A key for one purpose derived from the seal key (e.g. the proof-of-work signatures). */
export function derivedKey(keyring: Keyring, purpose: string): string {
  return createHmac('sha256', keyring.sealKey).update(`parley:${purpose}`).digest('base64url');
}

// The keyring of each open store. Modules reach it through the store they
// already hold, so call sites (audit.record(store, ...)) stay as they are.
const bound = new WeakMap<object, Keyring>();

export function bindKeyring(store: object, keyring: Keyring): void {
  bound.set(store, keyring);
}

/** The store's keyring; throws when none was bound (a missing key stops the feature, law 7). */
export function keyringOf(store: object): Keyring {
  const k = bound.get(store);
  if (!k) throw new Error('no keyring is bound to this store (secrets and audit keys missing)');
  return k;
}

/** Authenticated context of each sealed column (pending and active TOTP share one: enrolment moves the value). */
export const secretContext = {
  totp: (agentId: string) => `agent_mfa.totp:${agentId}`,
  webhook: (orgId: string) => `org_security.webhook_secret:${orgId}`,
};

/**
 * Seals every credential still stored in clear (written before migration
 * 0006-access); idempotent, run at every start after the migrations.
 */
export async function sealLegacySecrets(
  store: {
    security: {
      secretColumns(): Promise<
        { table: 'agent_mfa' | 'org_security'; id: string; column: string; value: string }[]
      >;
      setSecretColumn(
        table: 'agent_mfa' | 'org_security',
        id: string,
        column: string,
        value: string,
      ): Promise<void>;
    };
  },
  keyring: Keyring,
): Promise<number> {
  let sealed = 0;
  for (const c of await store.security.secretColumns()) {
    if (isSealed(c.value)) continue;
    const context =
      c.table === 'agent_mfa' ? secretContext.totp(c.id) : secretContext.webhook(c.id);
    await store.security.setSecretColumn(c.table, c.id, c.column, seal(keyring, c.value, context));
    sealed += 1;
  }
  return sealed;
}
