import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './types';

/**
 * Encryption at rest (DESIGN.md law 9, issue 12): message bodies and visitor details are sealed
 * with AES-256-GCM under a data key per conversation or per visitor. Data keys are stored only
 * wrapped by the key-encryption key (KEK), which comes from outside the database (the keyring:
 * PARLEY_DATA_KEK or data.key in the data directory). Destroying an owner's data key makes every
 * copy of its ciphertexts unreadable, backups included (crypto-shredding).
 *
 * A sealed value is `dk1.<key id>.<iv>.<tag>.<ciphertext>` (base64url), with the key id as
 * authenticated data, so a value opens only under the key it names.
 */
export type DataKeyOwner = { orgId: string; kind: 'conversation' | 'visitor'; id: string };
/** The organisation's search key (blind index, issue 14 item 10) is a data key of its own. */
type KeyOwner = DataKeyOwner | { orgId: string; kind: 'search'; id: string };

export interface DataKeys {
  /** Binds the key-encryption keys: the first wraps new data keys, the others still unwrap. */
  useKeks(keks: Buffer[]): void;
  /** Seals each text under its owner's data key (created on first use). */
  sealMany(items: { owner: DataKeyOwner; plain: string }[]): Promise<string[]>;
  /** Opens each value; a value in clear passes unchanged; `undefined` when its key was destroyed. */
  openMany(values: (string | null)[]): Promise<(string | null | undefined)[]>;
  /** Seals bytes (a file's content) under the owner's data key; `context` is authenticated. */
  sealBytes(owner: DataKeyOwner, data: Buffer, context: string): Promise<Buffer>;
  /** Opens sealed bytes; `undefined` when the key was destroyed; clear bytes pass unchanged. */
  openBytes(data: Buffer, context: string): Promise<Buffer | undefined>;
  /** Destroys the owners' data keys (crypto-shredding); returns how many existed. */
  destroy(orgId: string, owners: { kind: DataKeyOwner['kind']; id: string }[]): Promise<number>;
  /**
   * The organisation's blind-index key: derived from a random data key of the organisation's
   * (owner kind `search`), wrapped by the KEK like every data key, so it is never in the
   * database in clear and survives KEK rotation (rewrapAll rewraps it).
   */
  searchKey(orgId: string): Promise<Buffer>;
  /** Drops the owners' keys from the cache (after an erasure committed elsewhere). */
  evict(owners: { kind: DataKeyOwner['kind']; id: string }[]): void;
  /**
   * One pass of a key rotation (`parley keys rotate`): every data key wrapped by another KEK this
   * node holds is rewrapped under the primary, read in batches by id (bounded memory), each key
   * updated only if no one rewrapped it meanwhile. Safe beside running nodes (they open either
   * wrapping) and resumable: a second pass does what an interrupted one left.
   */
  rewrapAll(
    onProgress?: (done: number, total: number) => void,
    opts?: { batchSize?: number },
  ): Promise<number>;
  /** How many data keys each KEK wraps, and whether this node holds it (is it still needed?). */
  kekUsage(): Promise<{ kekId: string; keys: number; held: boolean; primary: boolean }[]>;
}

const PREFIX = 'dk1.';
/** Sealed bytes: magic, the 36-character key id, iv (12), tag (16), ciphertext. */
const MAGIC = Buffer.from('PDK1');
/** Unwrapped keys kept in memory: a bound (law 8) and a lifetime, so an erasure made on another
 *  node stops this node's use of the key within that time. */
const CACHE_ENTRIES = 20_000;
const CACHE_MS = 60_000;

export function isSealedData(value: string): boolean {
  return value.startsWith(PREFIX);
}

export function kekId(kek: Buffer): string {
  return createHash('sha256').update('parley:kek-id:').update(kek).digest('hex').slice(0, 16);
}

// IVs come from one CSPRNG read per 256 seals (issue 18, must 7): a randomBytes(12) per message
// was 4–5% of the main thread under chat load, nearly all of it the call into OpenSSL. Each IV is
// still 96 fresh random bits used once (NIST SP 800-38D 8.2.2); the pool is never reused.
const IV_BYTES = 12;
const IV_POOL = 256;
let ivPool = Buffer.alloc(0);
let ivNext = 0;
/** A fresh random 96-bit IV (its own copy: a cipher may keep a reference). */
export function nextIv(): Buffer {
  if (ivNext + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_BYTES * IV_POOL);
    ivNext = 0;
  }
  const iv = Buffer.from(ivPool.subarray(ivNext, ivNext + IV_BYTES));
  ivPool.fill(0, ivNext, ivNext + IV_BYTES);
  ivNext += IV_BYTES;
  return iv;
}

function gcm(key: Buffer, plain: Buffer, aad: string): string {
  const iv = nextIv();
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return `${iv.toString('base64url')}.${c.getAuthTag().toString('base64url')}.${ct.toString('base64url')}`;
}

function ungcm(key: Buffer, sealed: string, aad: string): Buffer {
  const [iv, tag, ct] = sealed.split('.');
  if (iv === undefined || tag === undefined || ct === undefined)
    throw new Error('sealed value is malformed');
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]);
}

interface Cached {
  id: string;
  key: Buffer;
  at: number;
}

export function createDataKeys(db: Kysely<Database>, now: () => number = Date.now): DataKeys {
  let keks: { id: string; key: Buffer }[] = [];
  const byId = new Map<string, Cached>();
  const byOwner = new Map<string, Cached>();
  const creating = new Map<string, Promise<Cached>>();

  const ownerKey = (o: { kind: string; id: string }) => `${o.kind}:${o.id}`;
  const remember = (map: Map<string, Cached>, k: string, v: Cached): void => {
    map.delete(k);
    map.set(k, v);
    if (map.size > CACHE_ENTRIES) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
  };
  const fresh = (c: Cached | undefined): Cached | undefined =>
    c && now() - c.at < CACHE_MS ? c : undefined;

  const primary = () => {
    const k = keks[0];
    if (!k) throw new Error('no key-encryption key is bound to this store (law 9, fail closed)');
    return k;
  };
  const unwrap = (row: { id: string; kek_id: string; wrapped: string }): Buffer => {
    const kek = keks.find((k) => k.id === row.kek_id);
    if (!kek) throw new Error(`data key ${row.id} is wrapped by an unknown key-encryption key`);
    return ungcm(kek.key, row.wrapped, `parley:data-key:${row.id}`);
  };
  const cache = (row: { id: string; owner_kind: string; owner_id: string; key: Buffer }) => {
    const c = { id: row.id, key: row.key, at: now() };
    remember(byId, row.id, c);
    remember(byOwner, ownerKey({ kind: row.owner_kind, id: row.owner_id }), c);
    return c;
  };

  const loadOwners = async (owners: KeyOwner[]): Promise<void> => {
    if (owners.length === 0) return;
    const found = await db
      .selectFrom('data_keys')
      .select(['id', 'owner_kind', 'owner_id', 'kek_id', 'wrapped'])
      .where('owner_id', 'in', [...new Set(owners.map((o) => o.id))])
      .execute();
    for (const r of found) cache({ ...r, key: unwrap(r) });
  };

  const create = async (owner: KeyOwner): Promise<Cached> => {
    const kek = primary();
    const id = randomUUID();
    const key = randomBytes(32);
    await db
      .insertInto('data_keys')
      .values({
        id,
        org_id: owner.orgId,
        owner_kind: owner.kind,
        owner_id: owner.id,
        kek_id: kek.id,
        wrapped: gcm(kek.key, key, `parley:data-key:${id}`),
        created_at: now(),
      })
      .onConflict((oc) => oc.columns(['owner_kind', 'owner_id']).doNothing())
      .execute();
    // Another node may have won the race: use whichever key the store holds.
    await loadOwners([owner]);
    const c = byOwner.get(ownerKey(owner));
    if (!c) throw new Error('data key vanished after insert');
    return c;
  };

  const keyFor = async (owner: KeyOwner): Promise<Cached> => {
    const k = ownerKey(owner);
    const hit = fresh(byOwner.get(k));
    if (hit) return hit;
    let p = creating.get(k);
    if (!p) {
      p = create(owner).finally(() => creating.delete(k));
      creating.set(k, p);
    }
    return p;
  };

  return {
    useKeks(list) {
      if (list.length === 0 || list.some((k) => k.length !== 32))
        throw new Error('key-encryption keys must be 32 bytes each');
      keks = list.map((key) => ({ id: kekId(key), key }));
      // Keys unwrapped under the previous binding are not trusted under the new one.
      byId.clear();
      byOwner.clear();
    },
    async sealMany(items) {
      primary();
      const missing = items.map((i) => i.owner).filter((o) => !fresh(byOwner.get(ownerKey(o))));
      if (missing.length > 0) await loadOwners(missing);
      const keys = await Promise.all(items.map((i) => keyFor(i.owner)));
      return items.map((item, n) => {
        const k = keys[n] as Cached;
        return `${PREFIX}${k.id}.${gcm(k.key, Buffer.from(item.plain, 'utf8'), `parley:dk1:${k.id}`)}`;
      });
    },
    async openMany(values) {
      const ids = new Set<string>();
      for (const v of values) {
        if (v === null || !isSealedData(v)) continue;
        const id = v.slice(PREFIX.length).split('.', 1)[0] ?? '';
        if (!fresh(byId.get(id))) ids.add(id);
      }
      if (ids.size > 0) {
        if (keks.length === 0) primary();
        const found = await db
          .selectFrom('data_keys')
          .select(['id', 'owner_kind', 'owner_id', 'kek_id', 'wrapped'])
          .where('id', 'in', [...ids])
          .execute();
        for (const r of found) cache({ ...r, key: unwrap(r) });
      }
      return values.map((v) => {
        if (v === null || !isSealedData(v)) return v;
        const rest = v.slice(PREFIX.length);
        const dot = rest.indexOf('.');
        const id = rest.slice(0, dot);
        const k = byId.get(id);
        // Destroyed (erased): the content is gone for good. Tampered: GCM throws (fail closed).
        if (!k || (ids.has(id) && !fresh(k))) return undefined;
        return ungcm(k.key, rest.slice(dot + 1), `parley:dk1:${id}`).toString('utf8');
      });
    },
    async searchKey(orgId) {
      primary();
      const owner = { orgId, kind: 'search' as const, id: orgId };
      if (!fresh(byOwner.get(ownerKey(owner)))) await loadOwners([owner]);
      const k = await keyFor(owner);
      return createHmac('sha256', k.key).update('parley:blind-index:v1').digest();
    },
    async sealBytes(owner, data, context) {
      primary();
      await loadOwners(fresh(byOwner.get(ownerKey(owner))) ? [] : [owner]);
      const k = await keyFor(owner);
      const iv = nextIv();
      const c = createCipheriv('aes-256-gcm', k.key, iv);
      c.setAAD(Buffer.from(`parley:dk1:${k.id}:${context}`));
      const ct = Buffer.concat([c.update(data), c.final()]);
      return Buffer.concat([MAGIC, Buffer.from(k.id, 'ascii'), iv, c.getAuthTag(), ct]);
    },
    async openBytes(data, context) {
      if (data.length < 68 || !data.subarray(0, 4).equals(MAGIC)) return data;
      const id = data.subarray(4, 40).toString('ascii');
      if (!fresh(byId.get(id))) {
        primary();
        const row = await db
          .selectFrom('data_keys')
          .select(['id', 'owner_kind', 'owner_id', 'kek_id', 'wrapped'])
          .where('id', '=', id)
          .executeTakeFirst();
        if (!row) return undefined;
        cache({ ...row, key: unwrap(row) });
      }
      const k = byId.get(id);
      if (!k) return undefined;
      const d = createDecipheriv('aes-256-gcm', k.key, data.subarray(40, 52));
      d.setAAD(Buffer.from(`parley:dk1:${id}:${context}`));
      d.setAuthTag(data.subarray(52, 68));
      return Buffer.concat([d.update(data.subarray(68)), d.final()]);
    },
    async destroy(orgId, owners) {
      if (owners.length === 0) return 0;
      let destroyed = 0;
      for (const kind of ['conversation', 'visitor'] as const) {
        const ids = owners.filter((o) => o.kind === kind).map((o) => o.id);
        if (ids.length === 0) continue;
        const r = await db
          .deleteFrom('data_keys')
          .where('org_id', '=', orgId)
          .where('owner_kind', '=', kind)
          .where('owner_id', 'in', ids)
          .returning('id')
          .execute();
        destroyed += r.length;
        for (const row of r) byId.delete(row.id);
        for (const id of ids) byOwner.delete(ownerKey({ kind, id }));
      }
      return destroyed;
    },
    evict(owners) {
      for (const o of owners) {
        const c = byOwner.get(ownerKey(o));
        if (c) byId.delete(c.id);
        byOwner.delete(ownerKey(o));
      }
    },
    async rewrapAll(onProgress, opts) {
      const kek = primary();
      const batch = opts?.batchSize ?? 500;
      const older = keks.filter((k) => k.id !== kek.id).map((k) => k.id);
      if (older.length === 0) return 0;
      const counted = await db
        .selectFrom('data_keys')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('kek_id', 'in', older)
        .executeTakeFirst();
      const total = Number(counted?.n ?? 0);
      let done = 0;
      let after = '';
      for (;;) {
        const rows = await db
          .selectFrom('data_keys')
          .select(['id', 'kek_id', 'wrapped'])
          .where('kek_id', 'in', older)
          .where('id', '>', after)
          .orderBy('id')
          .limit(batch)
          .execute();
        const last = rows[rows.length - 1];
        if (!last) break;
        for (const row of rows) {
          const key = unwrap(row);
          const r = await db
            .updateTable('data_keys')
            .set({ kek_id: kek.id, wrapped: gcm(kek.key, key, `parley:data-key:${row.id}`) })
            .where('id', '=', row.id)
            .where('kek_id', '=', row.kek_id)
            .executeTakeFirst();
          if (Number(r.numUpdatedRows) > 0) done += 1;
        }
        onProgress?.(done, Math.max(total, done));
        after = last.id;
      }
      return done;
    },
    async kekUsage() {
      const rows = await db
        .selectFrom('data_keys')
        .select(['kek_id', (eb) => eb.fn.countAll<number | string>().as('n')])
        .groupBy('kek_id')
        .orderBy('kek_id')
        .execute();
      const first = keks[0]?.id;
      return rows.map((r) => ({
        kekId: r.kek_id,
        keys: Number(r.n),
        held: keks.some((k) => k.id === r.kek_id),
        primary: r.kek_id === first,
      }));
    },
  };
}
