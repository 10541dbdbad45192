import type { CannedReply, Note, NoteFrame, Participant } from '@parley/protocol';
import type { CannedReplyRow, NoteRow, ParticipantRow } from '../../store';

/** A note as agents see it; its text is the masked text. */
export function presentNote(row: NoteRow): Note {
  return {
    id: row.id,
    conversationId: row.conversationId,
    author: { id: row.authorId, name: row.authorName },
    clientId: row.clientId,
    text: row.text,
    masked: row.masked,
    createdAt: row.createdAt,
  };
}

export function presentNoteFrame(row: NoteRow): NoteFrame {
  return { type: 'note', conversationId: row.conversationId, note: presentNote(row) };
}

export function presentCannedReply(row: CannedReplyRow): CannedReply {
  return {
    id: row.id,
    teamId: row.teamId,
    shortcut: row.shortcut,
    title: row.title,
    body: row.body,
    masked: row.masked,
    updatedAt: row.updatedAt,
  };
}

/** A supervisor who joined a conversation: who and when, nothing else. */
export function presentParticipant(row: ParticipantRow): Participant {
  return { agent: { id: row.agentId, name: row.agentName }, joinedAt: row.joinedAt };
}
