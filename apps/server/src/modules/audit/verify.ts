import type { AuditEntry, Store } from '../../store';
import { entryHash, legacyEntryHash } from './chain';
import { readCheckpoints, type Checkpoint } from './checkpoint';

const GENESIS = '0'.repeat(64);
const PAGE = 1000;

export interface ChainProblem {
  orgId: string;
  seq: number;
  problem: 'edited' | 'missing' | 'broken_link' | 'truncated' | 'checkpoint';
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  chains: number;
  entries: number;
  checkpoints: number;
  problems: ChainProblem[];
}

export interface VerifyOptions {
  /** The audit key (PARLEY_AUDIT_KEY or the data directory's audit.key). */
  auditKey: Buffer;
  /** The checkpoint file (default: audit-checkpoints.jsonl in the data directory). */
  checkpointFile: string;
}

const label = (orgId: string) => (orgId === '' ? 'installation chain' : `organisation ${orgId}`);

function checkEntry(
  e: AuditEntry,
  expected: { seq: number; prevHash: string },
  key: Buffer,
  legacyUntil: number,
): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const l = label(e.orgId);
  if (e.seq !== expected.seq) {
    const range =
      e.seq - 1 > expected.seq
        ? `entries ${expected.seq}–${e.seq - 1} are`
        : `entry ${expected.seq} is`;
    problems.push({
      orgId: e.orgId,
      seq: expected.seq,
      problem: 'missing',
      message: `${l}: ${range} missing (deleted) before entry ${e.seq}`,
    });
  } else if (e.prevHash !== expected.prevHash) {
    problems.push({
      orgId: e.orgId,
      seq: e.seq,
      problem: 'broken_link',
      message: `${l}: entry ${e.seq} does not follow entry ${e.seq - 1} (deleted, inserted or reordered)`,
    });
  }
  const { hash: _h, ...rest } = e;
  const keyed = entryHash(rest, key) === e.hash;
  const legacy = !keyed && e.seq <= legacyUntil && legacyEntryHash(rest) === e.hash;
  if (!keyed && !legacy) {
    problems.push({
      orgId: e.orgId,
      seq: e.seq,
      problem: 'edited',
      message: `${l}: entry ${e.seq} was edited (its content does not match its keyed hash)`,
    });
  }
  return problems;
}

function checkAgainstCheckpoints(
  orgId: string,
  seen: Map<number, string>,
  headSeq: number,
  checkpoints: Checkpoint[],
): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const l = label(orgId);
  for (const c of checkpoints) {
    if (c.seq > headSeq) {
      problems.push({
        orgId,
        seq: headSeq + 1,
        problem: 'truncated',
        message: `${l}: the chain ends at entry ${headSeq} but a checkpoint of ${new Date(c.at).toISOString()} saw entry ${c.seq}: entries ${headSeq + 1}–${c.seq} were deleted`,
      });
    } else if (seen.has(c.seq) && seen.get(c.seq) !== c.hash) {
      problems.push({
        orgId,
        seq: c.seq,
        problem: 'checkpoint',
        message: `${l}: entry ${c.seq} is not the entry the checkpoint of ${new Date(c.at).toISOString()} signed (the chain was rewritten)`,
      });
    }
  }
  return problems;
}

/**
 * Walks every organisation's chain in order: each entry must follow the one
 * before it (seq + 1), name its hash, and carry the keyed hash of its content;
 * then each signed checkpoint must still be on the chain, which also catches a
 * truncated tail. Entries older than a legacy anchor may carry the unkeyed hash.
 */
export async function verifyAudit(store: Store, opts: VerifyOptions): Promise<VerifyReport> {
  const problems: ChainProblem[] = [];
  const { checkpoints, forged } = readCheckpoints(opts.checkpointFile, opts.auditKey);
  if (forged > 0)
    problems.push({
      orgId: '',
      seq: 0,
      problem: 'checkpoint',
      message: `${forged} checkpoint line(s) in ${opts.checkpointFile} do not carry a valid signature`,
    });
  const byOrg = new Map<string, Checkpoint[]>();
  for (const c of checkpoints) byOrg.set(c.orgId, [...(byOrg.get(c.orgId) ?? []), c]);
  let entries = 0;
  const chains = new Set([...(await store.audit.chains()), ...byOrg.keys()]);
  for (const orgId of chains) {
    const mine = byOrg.get(orgId) ?? [];
    const legacyUntil = Math.max(0, ...mine.filter((c) => c.legacy).map((c) => c.seq));
    const wanted = new Set(mine.map((c) => c.seq));
    const seen = new Map<number, string>();
    // Retention may have removed the oldest entries (issue 12 item 4): the chain then starts
    // after the last one removed, whose hash the purge kept (and audited as retention.purge).
    const horizon = await store.retention.auditHorizon(orgId);
    let expected = horizon
      ? { seq: horizon.seq + 1, prevHash: horizon.hash }
      : { seq: 1, prevHash: GENESIS };
    let after = horizon?.seq ?? 0;
    for (;;) {
      const page = await store.audit.chain(orgId, after, PAGE);
      for (const e of page) {
        entries += 1;
        problems.push(...checkEntry(e, expected, opts.auditKey, legacyUntil));
        if (wanted.has(e.seq)) seen.set(e.seq, e.hash);
        expected = { seq: e.seq + 1, prevHash: e.hash };
        after = e.seq;
      }
      if (page.length < PAGE) break;
    }
    problems.push(...checkAgainstCheckpoints(orgId, seen, after, mine));
  }
  return {
    ok: problems.length === 0,
    chains: chains.size,
    entries,
    checkpoints: checkpoints.length,
    problems,
  };
}
