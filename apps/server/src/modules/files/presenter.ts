import type { FileFrame, FileSummary } from '@parley/protocol';
import type { FileRow } from '../../store';

export type Audience = 'visitor' | 'agent';

const VISITOR_NOTICE = {
  malware: 'This file was blocked: it did not pass the virus check.',
  card: 'For your safety this image was not sent: it showed a card number. Never share card details in chat — if you need to pay, your agent can send you a secure payment link.',
  unreadable: 'This file could not be read and was not sent.',
} as const;
const AGENT_NOTICE = {
  malware: 'File blocked: malware found',
  card: 'Image blocked: it showed a card number',
  unreadable: 'File blocked: it could not be read',
} as const;

/** What leaves the server about a file: each field listed; the signature name only for agents. */
export function presentFile(row: FileRow, audience: Audience): FileSummary {
  const reason = row.status === 'blocked' ? (row.blockReason ?? 'unreadable') : null;
  return {
    id: row.id,
    conversationId: row.conversationId,
    batchId: row.batchId,
    clientId: row.clientId,
    uploader: { kind: row.uploaderKind, id: row.uploaderId },
    name: row.name,
    size: row.size,
    type: row.mime,
    kind: row.mime.startsWith('image/') ? 'image' : 'file',
    status: row.status,
    blockReason: row.blockReason,
    notice:
      reason === null
        ? null
        : audience === 'visitor'
          ? VISITOR_NOTICE[reason]
          : AGENT_NOTICE[reason],
    signature: audience === 'agent' && row.blockReason === 'malware' ? row.signature : null,
    width: row.width,
    height: row.height,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function presentFileFrame(row: FileRow, audience: Audience): FileFrame {
  return { type: 'file', conversationId: row.conversationId, file: presentFile(row, audience) };
}
