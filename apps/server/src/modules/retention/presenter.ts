import type { RetentionSettings } from '@parley/protocol';
import type { RetentionRunRow, RetentionSettingsRow } from '../../store';

export function presentRetention(
  s: RetentionSettingsRow,
  run: RetentionRunRow | null,
): RetentionSettings {
  return {
    conversationDays: s.conversationDays,
    conversationAction: s.conversationAction,
    fileDays: s.fileDays,
    securityEventDays: s.securityEventDays,
    auditDays: s.auditDays,
    updatedAt: s.updatedAt,
    lastRun: run && {
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      conversations: run.conversations,
      files: run.files,
      securityEvents: run.securityEvents,
      auditEntries: run.auditEntries,
    },
  };
}
