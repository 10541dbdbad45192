import { randomUUID } from 'node:crypto';
import { ParleyError, type RetentionSettingsUpdate } from '@parley/protocol';
import type { RetentionCounts, RetentionSettingsRow, Store } from '../../store';
import type { Logger } from '../../logger';
import { audit } from '../audit';
import { can, type AgentContext } from '../auth';

const DAY_MS = 86_400_000;
/** The lease's lifetime: a node that dies holding it stops blocking the others after this. */
export const RETENTION_LEASE_MS = 5 * 60_000;
export const RETENTION_LEASE = 'retention';

/** What retention can ask of the files module: bytes and row of a file, or of a conversation's files. */
export interface RetentionFiles {
  eraseFile(orgId: string, id: string): Promise<boolean>;
  eraseConversation(orgId: string, conversationId: string): Promise<number>;
}

/** Nothing is purged until an admin sets periods: keeping nothing "just in case" is their call. */
export function defaultRetention(orgId: string): RetentionSettingsRow {
  return {
    orgId,
    conversationDays: null,
    conversationAction: 'delete',
    fileDays: null,
    securityEventDays: null,
    auditDays: null,
    updatedAt: 0,
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;

/**
 * Retention (issue 12 item 4, docs/privacy.md): each organisation's periods and
 * the purge. A purge works in batches, each its own transaction, and counts
 * into the organisation's open run: a node that crashes midway leaves the run
 * open and the next purge (on any node) continues it. `stillHolding` is asked
 * between batches so that a node that lost the lease stops at once. The counts,
 * never content, go to the audit log.
 */
export function createRetentionService(deps: {
  store: Store;
  log: Logger;
  files?: RetentionFiles | undefined;
  batchSize?: number;
  now?: () => number;
}) {
  const { store, log } = deps;
  const now = deps.now ?? Date.now;
  const batch = deps.batchSize ?? 200;

  const assertManage = (ctx: AgentContext) => {
    if (!can(ctx.actor, 'settings:manage', { orgId: ctx.agent.orgId }))
      throw new ParleyError('forbidden');
  };

  async function purgeOrg(
    s: RetentionSettingsRow,
    stillHolding: () => Promise<boolean>,
  ): Promise<RetentionCounts & { complete: boolean }> {
    const orgId = s.orgId;
    const at = now();
    const run = await store.retention.openRun(orgId, randomUUID(), at);
    const total: RetentionCounts = {
      conversations: 0,
      files: 0,
      securityEvents: 0,
      auditEntries: 0,
    };
    const add = async (c: Partial<RetentionCounts>) => {
      const counts = { conversations: 0, files: 0, securityEvents: 0, auditEntries: 0, ...c };
      await store.retention.addToRun(run.id, counts);
      total.conversations += counts.conversations;
      total.files += counts.files;
      total.securityEvents += counts.securityEvents;
      total.auditEntries += counts.auditEntries;
    };
    const stages: (() => Promise<boolean>)[] = [];
    if (s.conversationDays !== null) {
      const before = at - s.conversationDays * DAY_MS;
      stages.push(async () => {
        const ids = await store.retention.expiredConversations(
          orgId,
          before,
          s.conversationAction,
          batch,
        );
        if (ids.length === 0) return false;
        // File bytes first (they are sealed under the conversation's key, but need not linger).
        if (deps.files) for (const id of ids) await deps.files.eraseConversation(orgId, id);
        if (s.conversationAction === 'delete')
          await store.retention.deleteConversations(orgId, ids);
        else await store.privacy.erase(orgId, { conversationIds: ids, visitorIds: [] }, now());
        await add({ conversations: ids.length });
        return true;
      });
      stages.push(async () => {
        // A visitor whose every conversation has gone keeps no name or details either.
        const ids = await store.retention.expiredVisitors(orgId, before, batch);
        if (ids.length === 0) return false;
        await store.privacy.erase(orgId, { conversationIds: [], visitorIds: ids }, now());
        return true;
      });
    }
    if (s.fileDays !== null) {
      const before = at - s.fileDays * DAY_MS;
      stages.push(async () => {
        const due = await store.retention.expiredFiles(orgId, before, batch);
        if (due.length === 0) return false;
        let n = 0;
        for (const f of due)
          if (deps.files ? await deps.files.eraseFile(orgId, f.id) : false) n += 1;
        if (!deps.files)
          n = await store.retention.deleteFiles(
            orgId,
            due.map((f) => f.id),
          );
        await add({ files: n });
        return true;
      });
    }
    if (s.securityEventDays !== null) {
      const before = at - s.securityEventDays * DAY_MS;
      stages.push(async () => {
        const n = await store.retention.deleteSecurityEvents(orgId, before, batch);
        if (n === 0) return false;
        await add({ securityEvents: n });
        return true;
      });
    }
    if (s.auditDays !== null) {
      const before = at - s.auditDays * DAY_MS;
      stages.push(async () => {
        const n = await store.retention.purgeAudit(orgId, before, batch, now());
        if (n === 0) return false;
        await add({ auditEntries: n });
        return true;
      });
    }
    for (const stage of stages) {
      for (;;) {
        if (!(await stillHolding())) return { ...total, complete: false };
        if (!(await stage())) break;
      }
    }
    // The run ends with its audit entry, in one transaction: a run whose entry failed stays open
    // and the next purge finishes (and audits) it.
    await store.transaction(async (tx) => {
      await store.retention.finishRun(run.id, now(), tx);
      const finished = await store.retention.lastRun(orgId, tx);
      // The run's totals include what a crashed earlier attempt of it did.
      await audit.record(
        store,
        {
          orgId,
          actor: { kind: 'system', id: null },
          action: 'retention.purge',
          outcome: 'success',
          resource: { type: 'retention_run', id: run.id },
          detail: {
            conversations: finished?.conversations ?? total.conversations,
            files: finished?.files ?? total.files,
            securityEvents: finished?.securityEvents ?? total.securityEvents,
            auditEntries: finished?.auditEntries ?? total.auditEntries,
            resumed: run.startedAt !== at,
          },
        },
        tx,
      );
    });
    return { ...total, complete: true };
  }

  return {
    async settings(ctx: AgentContext) {
      assertManage(ctx);
      const orgId = ctx.agent.orgId;
      return {
        settings: (await store.retention.settings(orgId)) ?? defaultRetention(orgId),
        lastRun: (await store.retention.lastRun(orgId)) ?? null,
      };
    },

    async update(ctx: AgentContext, input: RetentionSettingsUpdate, ip: string) {
      assertManage(ctx);
      const orgId = ctx.agent.orgId;
      await store.transaction(async (tx) => {
        const saved = await store.retention.save(orgId, input, ctx.agent.id, now(), tx);
        await audit.record(
          store,
          {
            orgId,
            actor: { kind: 'agent', id: ctx.agent.id },
            action: 'settings.retention_change',
            outcome: 'success',
            ip,
            resource: { type: 'organisation', id: orgId },
            detail: {
              conversationDays: saved.conversationDays,
              conversationAction: saved.conversationAction,
              fileDays: saved.fileDays,
              securityEventDays: saved.securityEventDays,
              auditDays: saved.auditDays,
            },
          },
          tx,
        );
      });
      return this.settings(ctx);
    },

    /**
     * One purge of every organisation with periods, by the node holding the lease.
     * Returns 'busy' when another node holds it (nothing done here).
     */
    async runOnce(holder: string): Promise<'busy' | { orgs: number; complete: boolean }> {
      const holding = () =>
        store.retention.acquireLease(RETENTION_LEASE, holder, RETENTION_LEASE_MS, now());
      if (!(await holding())) return 'busy';
      let orgs = 0;
      let complete = true;
      try {
        for (const s of await store.retention.configured()) {
          const r = await purgeOrg(s, holding);
          orgs += 1;
          if (!r.complete) {
            complete = false;
            log.warn({ orgId: s.orgId }, 'retention: lease lost mid-run; another node continues');
            break;
          }
          if (r.conversations + r.files + r.securityEvents + r.auditEntries > 0)
            log.info({ orgId: s.orgId, ...r }, 'retention: purged');
        }
      } finally {
        await store.retention.releaseLease(RETENTION_LEASE, holder);
      }
      return { orgs, complete };
    },
  };
}
