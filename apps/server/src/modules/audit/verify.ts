import type { Store } from '../../store';
import { entryHash } from './chain';

const GENESIS = '0'.repeat(64);
const PAGE = 1000;

export interface ChainProblem {
  orgId: string;
  seq: number;
  problem: 'edited' | 'missing' | 'broken_link';
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  chains: number;
  entries: number;
  problems: ChainProblem[];
}

/**
 * Walks every organisation's chain in order: each entry must follow the one
 * before it (seq + 1), name its hash, and hash to what it says it does.
 */
export async function verifyAudit(store: Store): Promise<VerifyReport> {
  const problems: ChainProblem[] = [];
  let entries = 0;
  const chains = await store.audit.chains();
  for (const orgId of chains) {
    let expectedSeq = 1;
    let prevHash = GENESIS;
    let after = 0;
    for (;;) {
      const page = await store.audit.chain(orgId, after, PAGE);
      for (const e of page) {
        entries += 1;
        const label = orgId === '' ? 'installation chain' : `organisation ${orgId}`;
        if (e.seq !== expectedSeq) {
          problems.push({
            orgId,
            seq: expectedSeq,
            problem: 'missing',
            message: `${label}: ${e.seq - 1 > expectedSeq ? `entries ${expectedSeq}–${e.seq - 1} are` : `entry ${expectedSeq} is`} missing (deleted) before entry ${e.seq}`,
          });
        } else if (e.prevHash !== prevHash) {
          problems.push({
            orgId,
            seq: e.seq,
            problem: 'broken_link',
            message: `${label}: entry ${e.seq} does not follow entry ${e.seq - 1} (deleted, inserted or reordered)`,
          });
        }
        const { hash: _h, ...rest } = e;
        if (entryHash(rest) !== e.hash) {
          problems.push({
            orgId,
            seq: e.seq,
            problem: 'edited',
            message: `${label}: entry ${e.seq} was edited (its content does not match its hash)`,
          });
        }
        expectedSeq = e.seq + 1;
        prevHash = e.hash;
        after = e.seq;
      }
      if (page.length < PAGE) break;
    }
  }
  return { ok: problems.length === 0, chains: chains.length, entries, problems };
}
