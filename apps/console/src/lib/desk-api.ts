import {
  CannedReplyEnvelopeSchema,
  CannedReplyListSchema,
  NoteEnvelopeSchema,
  NoteListSchema,
  NotificationSettingsEnvelopeSchema,
  ParticipantListSchema,
  UnreadListSchema,
  type NotificationSettings,
  type CannedReply,
  type CannedReplyRequest,
  type Note,
  type Participant,
} from '@parley/protocol';
import { call } from './api';

const enc = encodeURIComponent;

/** REST calls of the agent's desk (docs/desk.md): internal notes and canned replies. */
export const deskApi = {
  notes: async (conversationId: string): Promise<Note[]> =>
    (await call(NoteListSchema, `/api/conversations/${enc(conversationId)}/notes`)).notes,
  /** The client id is made once per note and reused on a retry: the server stores one note. */
  addNote: async (conversationId: string, clientId: string, text: string): Promise<Note> =>
    (
      await call(NoteEnvelopeSchema, `/api/conversations/${enc(conversationId)}/notes`, 'POST', {
        clientId,
        text,
      })
    ).note,
  /** Supervisors join a conversation they watch (announced to the visitor, audited). */
  join: async (conversationId: string): Promise<Participant[]> =>
    (await call(ParticipantListSchema, `/api/conversations/${enc(conversationId)}/join`, 'POST'))
      .participants,
  participants: async (conversationId: string): Promise<Participant[]> =>
    (await call(ParticipantListSchema, `/api/conversations/${enc(conversationId)}/participants`))
      .participants,
  notificationSettings: async (): Promise<NotificationSettings> =>
    (await call(NotificationSettingsEnvelopeSchema, '/api/desk/notification-settings')).settings,
  saveNotificationSettings: async (body: NotificationSettings): Promise<NotificationSettings> =>
    (await call(NotificationSettingsEnvelopeSchema, '/api/desk/notification-settings', 'PUT', body))
      .settings,
  unread: async (): Promise<{ conversationId: string; unread: number }[]> =>
    (await call(UnreadListSchema, '/api/desk/unread')).unread,
  markRead: async (conversationId: string, seq: number): Promise<void> => {
    await call(null, `/api/conversations/${enc(conversationId)}/read`, 'PUT', { seq });
  },
  canned: async (): Promise<CannedReply[]> =>
    (await call(CannedReplyListSchema, '/api/canned-replies')).replies,
  createCanned: async (body: CannedReplyRequest): Promise<CannedReply> =>
    (await call(CannedReplyEnvelopeSchema, '/api/canned-replies', 'POST', body)).reply,
  updateCanned: async (id: string, body: CannedReplyRequest): Promise<CannedReply> =>
    (await call(CannedReplyEnvelopeSchema, `/api/canned-replies/${enc(id)}`, 'PUT', body)).reply,
  deleteCanned: async (id: string): Promise<void> => {
    await call(null, `/api/canned-replies/${enc(id)}`, 'DELETE');
  },
};
