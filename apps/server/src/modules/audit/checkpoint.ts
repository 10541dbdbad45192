import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, readFileSync } from 'node:fs';
import type { Store } from '../../store';
import { legacyEntryHash } from './chain';

/**
 * A signed checkpoint: the head of one organisation's chain at a moment,
 * written OUTSIDE the store (a 0600 JSON-lines file in the data directory by
 * default). Deleting the newest entries, or rewriting the chain with a stolen
 * key after the fact, no longer matches the checkpoints (issue 10 finding 5).
 * `legacy` marks the anchor of entries hashed before the chain was keyed.
 */
export interface Checkpoint {
  orgId: string;
  seq: number;
  hash: string;
  at: number;
  legacy?: boolean;
  mac: string;
}

function macOf(key: Buffer, c: Omit<Checkpoint, 'mac'>): string {
  return createHmac('sha256', key)
    .update(JSON.stringify(['checkpoint-v1', c.orgId, c.seq, c.hash, c.at, c.legacy === true]))
    .digest('hex');
}

export function signCheckpoint(key: Buffer, c: Omit<Checkpoint, 'mac'>): Checkpoint {
  return { ...c, mac: macOf(key, c) };
}

/** Every checkpoint in the file; `forged` counts lines whose signature does not hold. */
export function readCheckpoints(
  file: string,
  key: Buffer,
): { checkpoints: Checkpoint[]; forged: number } {
  if (!existsSync(file)) return { checkpoints: [], forged: 0 };
  const checkpoints: Checkpoint[] = [];
  let forged = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const c = JSON.parse(line) as Checkpoint;
      const { mac, ...rest } = c;
      const expected = Buffer.from(macOf(key, rest), 'hex');
      const given = Buffer.from(String(mac), 'hex');
      if (given.length === expected.length && timingSafeEqual(given, expected)) checkpoints.push(c);
      else forged += 1;
    } catch {
      forged += 1;
    }
  }
  return { checkpoints, forged };
}

function append(file: string, lines: Checkpoint[]): void {
  if (lines.length === 0) return;
  appendFileSync(file, lines.map((c) => `${JSON.stringify(c)}\n`).join(''), { mode: 0o600 });
  chmodSync(file, 0o600);
}

async function heads(store: Store) {
  const out: { orgId: string; seq: number; hash: string; prevHash: string; entry: unknown }[] = [];
  for (const orgId of await store.audit.chains()) {
    const [head] = await store.audit.list(orgId, { limit: 1 });
    if (head)
      out.push({ orgId, seq: head.seq, hash: head.hash, prevHash: head.prevHash, entry: head });
  }
  return out;
}

/** Writes the head of every chain that moved since its last checkpoint; returns how many were written. */
export async function writeCheckpoints(store: Store, key: Buffer, file: string): Promise<number> {
  const { checkpoints } = readCheckpoints(file, key);
  const last = new Map<string, number>();
  for (const c of checkpoints) last.set(c.orgId, Math.max(last.get(c.orgId) ?? 0, c.seq));
  const now = Date.now();
  const lines = (await heads(store))
    .filter((h) => (last.get(h.orgId) ?? 0) < h.seq)
    .map((h) => signCheckpoint(key, { orgId: h.orgId, seq: h.seq, hash: h.hash, at: now }));
  append(file, lines);
  return lines.length;
}

/**
 * Once, when the chain is first keyed: anchors entries written with the
 * unkeyed hash by a signed legacy checkpoint at each chain's current head, so
 * they stay verifiable and nothing unkeyed can be added after them.
 */
export async function anchorLegacyChains(store: Store, key: Buffer, file: string): Promise<number> {
  const { checkpoints } = readCheckpoints(file, key);
  if (checkpoints.length > 0) return 0;
  const now = Date.now();
  const lines = [];
  for (const h of await heads(store)) {
    const { hash: _h, ...rest } = h.entry as Parameters<typeof legacyEntryHash>[0] & {
      hash: string;
    };
    if (legacyEntryHash(rest) === h.hash)
      lines.push(
        signCheckpoint(key, { orgId: h.orgId, seq: h.seq, hash: h.hash, at: now, legacy: true }),
      );
  }
  append(file, lines);
  return lines.length;
}
