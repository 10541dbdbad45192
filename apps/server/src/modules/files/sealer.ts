import type { DataKeys } from '../../store';
import type { FileSealer } from './storage';

/**
 * Files sealed with their conversation's data key (issue 12, law 9): every stored copy (disk or
 * bucket, original and thumbnail) is AES-256-GCM, and erasing the conversation's key makes each
 * unreadable, backups included. The storage key is authenticated, so a copy moved to another
 * file's place does not open.
 */
export function createDataKeySealer(keys: DataKeys): FileSealer {
  const context = (ctx: { orgId: string; conversationId: string; fileId: string }) =>
    `file:${ctx.orgId}/${ctx.conversationId}/${ctx.fileId}`;
  return {
    seal: (ctx, data) =>
      keys.sealBytes(
        { orgId: ctx.orgId, kind: 'conversation', id: ctx.conversationId },
        data,
        context(ctx),
      ),
    async open(ctx, data) {
      const opened = await keys.openBytes(data, context(ctx));
      if (opened === undefined)
        throw new Error(`file ${ctx.fileId} was erased (its data key is destroyed)`);
      return opened;
    },
  };
}
