import { ParleyError } from '@parley/protocol';
import type { Store } from '../../store';
import { audit } from '../audit';
import { deleteFileBytes, type FileStorage } from '../files';

export type EraseTarget = { conversationId: string } | { visitorId: string };

export interface EraseActor {
  kind: 'agent' | 'system';
  id: string | null;
}

export interface EraseReport {
  conversations: number;
  visitors: number;
  messages: number;
  files: number;
  keys: number;
  /** Payment records the vault anonymised (only when a vault is configured). */
  vaultPayments?: number;
}

/** The vault's side of an erasure (docs/vault.md `POST /v1/erasures`); the vault client has it. */
export interface VaultEraser {
  eraseConversations(orgId: string, conversationIds: string[]): Promise<number>;
}

/**
 * Erases a conversation, or a visitor with every conversation of theirs (issue 12 items 3, 6):
 * their data keys are destroyed (crypto-shredding, so files and backups sealed under them stay
 * unreadable), their messages and files (bytes and rows) deleted, the visitor's name and token revoked. The audit entry
 * names the ids and counts, never the content (law 6).
 */
export async function erase(
  store: Store,
  orgId: string,
  target: EraseTarget,
  actor: EraseActor,
  ip: string | undefined,
  fileStorage: FileStorage,
  vault?: VaultEraser,
): Promise<EraseReport> {
  let conversationIds: string[];
  let visitorIds: string[];
  if ('conversationId' in target) {
    const c = await store.conversations.byId(orgId, target.conversationId);
    if (!c) throw new ParleyError('conversation_not_found');
    conversationIds = [c.id];
    visitorIds = [];
  } else {
    const v = await store.visitors.byId(orgId, target.visitorId);
    if (!v) throw new ParleyError('not_found');
    conversationIds = await store.privacy.conversationsOf(orgId, v.id);
    visitorIds = [v.id];
  }
  // The vault first: if it cannot be reached the erasure stops (retryable) with nothing changed;
  // its anonymisation is idempotent, so a retry after a later failure is safe.
  const vaultPayments =
    vault && conversationIds.length > 0
      ? await vault.eraseConversations(orgId, conversationIds)
      : undefined;
  // Files: the bytes first (a failure stops the erasure before anything else changed and can be
  // retried), then their rows with the keys and messages in one transaction.
  for (const conversationId of conversationIds)
    for (const f of await store.files.listForConversation(orgId, conversationId))
      await deleteFileBytes(fileStorage, { orgId, conversationId, fileId: f.id });
  // The erasure and its audit entry commit together or not at all (law 6).
  const report = await store.transaction(async (tx) => {
    const erased = await store.privacy.erase(
      orgId,
      { conversationIds, visitorIds },
      Date.now(),
      tx,
    );
    const r: EraseReport = vaultPayments === undefined ? erased : { ...erased, vaultPayments };
    await audit.record(
      store,
      {
        orgId,
        actor,
        action: 'privacy.erase',
        outcome: 'success',
        ip: ip ?? null,
        resource:
          'conversationId' in target
            ? { type: 'conversation', id: target.conversationId }
            : { type: 'visitor', id: target.visitorId },
        detail: { ...r },
      },
      tx,
    );
    return r;
  });
  return report;
}
