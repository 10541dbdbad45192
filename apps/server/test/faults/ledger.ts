// Sending under faults and checking the ledger: every acknowledged message is
// stored exactly once with the seq its ack carried (DESIGN.md law 5).
import type { ServerFrame } from '@parley/protocol';
import type { Store } from '../../src/store';
import type { TestSocket } from '../clients';
import { waitFor } from './kit';

export interface SendOutcome {
  acks: Map<string, number>;
  /** Error codes seen, with counts (store_unavailable is the expected one under a store fault). */
  errors: Map<string, number>;
  /** Milliseconds from the first send to the first typed error (when there was one). */
  firstErrorMs: number | undefined;
}

/**
 * Sends each id once and waits for its answer (ack or error); ids answered
 * with a retryable error are sent again, reusing the id, until acknowledged or
 * `untilMs` passes. Resolves with what happened; never loops without bound.
 */
export async function sendUntilAcked(
  sock: TestSocket,
  conversationId: string,
  ids: string[],
  opts: { untilMs?: number; answerMs?: number; retry?: boolean } = {},
): Promise<SendOutcome> {
  const started = Date.now();
  const until = started + (opts.untilMs ?? 30_000);
  const acks = new Map<string, number>();
  const errors = new Map<string, number>();
  let firstErrorMs: number | undefined;
  let pending = ids;
  for (let round = 0; pending.length > 0 && round < 10_000; round++) {
    const from = sock.frames.length;
    for (const id of pending)
      sock.send({ type: 'send', clientMsgId: id, conversationId, text: `ledger ${id}` });
    const want = new Set(pending);
    const answered = new Map<string, ServerFrame>();
    await waitFor(
      `answers to ${want.size} sends`,
      () => {
        for (let i = from; i < sock.frames.length; i++) {
          const f = sock.frames[i]!;
          if ((f.type === 'ack' || f.type === 'error') && f.clientMsgId && want.has(f.clientMsgId))
            answered.set(f.clientMsgId, f);
        }
        return answered.size >= want.size;
      },
      opts.answerMs ?? 20_000,
      20,
    );
    pending = [];
    for (const [id, f] of answered) {
      if (f.type === 'ack') acks.set(id, f.seq);
      else if (f.type === 'error') {
        errors.set(f.code, (errors.get(f.code) ?? 0) + 1);
        firstErrorMs ??= Date.now() - started;
        pending.push(id);
      }
    }
    if (opts.retry === false || Date.now() > until) break;
    // A client's retry back-off, not a wait for a condition.
    if (pending.length > 0) await new Promise((r) => setTimeout(r, 200));
  }
  return { acks, errors, firstErrorMs };
}

/** Every ack is stored exactly once with its seq; seqs are 1..n without holes. Returns how many acks were checked. */
export async function checkLedger(
  store: Store,
  orgId: string,
  conversationId: string,
  acks: Map<string, number>,
): Promise<number> {
  const rows: Awaited<ReturnType<Store['messages']['after']>> = [];
  for (let page = 0; page < 10_000; page++) {
    const batch = await store.messages.after(orgId, conversationId, rows.at(-1)?.seq ?? 0, 500);
    rows.push(...batch);
    if (batch.length === 0) break;
  }
  const byClientId = new Map<string, number[]>();
  for (const r of rows)
    if (r.clientMsgId)
      byClientId.set(r.clientMsgId, [...(byClientId.get(r.clientMsgId) ?? []), r.seq]);
  const problems: string[] = [];
  for (const [id, seq] of acks) {
    const stored = byClientId.get(id) ?? [];
    if (stored.length !== 1 || stored[0] !== seq)
      problems.push(`${id}: acked seq ${seq}, stored ${JSON.stringify(stored)}`);
  }
  rows.forEach((r, i) => {
    if (r.seq !== i + 1) problems.push(`seq ${r.seq} at position ${i + 1}`);
  });
  if (problems.length > 0)
    throw new Error(`ledger check failed:\n${problems.slice(0, 20).join('\n')}`);
  return acks.size;
}
