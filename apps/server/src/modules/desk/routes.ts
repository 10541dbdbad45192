import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  CannedReplyRequestSchema,
  CreateNoteRequestSchema,
  MarkReadRequestSchema,
  NotificationSettingsSchema,
} from '@parley/protocol';
import { agentOf, requireAgent, type AuthRouteOptions } from '../auth';
import { agentActor } from '../chat';
import type { CannedService } from './canned';
import { presentCannedReply, presentNote, presentParticipant } from './presenter';
import type { NotesService } from './service';
import type { SuperviseService } from './supervise';
import type { NotificationsService } from './notifications';

const IdParamsSchema = z.object({ id: z.string().min(1).max(64) });

/** Agents only: no desk route accepts a visitor token. */
export function registerDeskRoutes(
  app: FastifyInstance,
  deps: {
    notes: NotesService;
    canned: CannedService;
    supervise: SuperviseService;
    notifications: NotificationsService;
    authRoutes: AuthRouteOptions;
  },
): void {
  const { notes, canned } = deps;
  const agentOnly = { preHandler: requireAgent(deps.authRoutes) };

  app.get('/api/conversations/:id/notes', agentOnly, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    return { notes: (await notes.list(agentActor(request), id)).map(presentNote) };
  });

  app.post('/api/conversations/:id/notes', agentOnly, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    const body = CreateNoteRequestSchema.parse(request.body);
    const { note } = await notes.add(agentActor(request), id, body);
    return { note: presentNote(note) };
  });

  // Supervisors join a conversation they watch (docs/desk.md "Supervisors").
  app.post('/api/conversations/:id/join', agentOnly, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    const rows = await deps.supervise.join(agentActor(request), id, request.ip);
    return { participants: rows.map(presentParticipant) };
  });

  app.get('/api/conversations/:id/participants', agentOnly, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    const rows = await deps.supervise.participants(agentActor(request), id);
    return { participants: rows.map(presentParticipant) };
  });

  // Notifications and read state, each agent's own (docs/desk.md "Notifications").
  app.get('/api/desk/notification-settings', agentOnly, async (request) => ({
    settings: await deps.notifications.settings(agentOf(request).actor),
  }));

  app.put('/api/desk/notification-settings', agentOnly, async (request) => {
    const body = NotificationSettingsSchema.parse(request.body);
    return { settings: await deps.notifications.setSettings(agentOf(request).actor, body) };
  });

  app.get('/api/desk/unread', agentOnly, async (request) => ({
    unread: await deps.notifications.unread(agentOf(request).actor),
  }));

  app.put('/api/conversations/:id/read', agentOnly, async (request, reply) => {
    const { id } = IdParamsSchema.parse(request.params);
    const { seq } = MarkReadRequestSchema.parse(request.body);
    await deps.notifications.markRead(agentActor(request), id, seq);
    return reply.status(204).send();
  });

  app.get('/api/canned-replies', agentOnly, async (request) => ({
    replies: (await canned.list(agentOf(request).actor)).map(presentCannedReply),
  }));

  app.post('/api/canned-replies', agentOnly, async (request) => {
    const body = CannedReplyRequestSchema.parse(request.body);
    const row = await canned.create(agentOf(request).actor, body, request.ip);
    return { reply: presentCannedReply(row) };
  });

  app.put('/api/canned-replies/:id', agentOnly, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    const body = CannedReplyRequestSchema.parse(request.body);
    const row = await canned.update(agentOf(request).actor, id, body, request.ip);
    return { reply: presentCannedReply(row) };
  });

  app.delete('/api/canned-replies/:id', agentOnly, async (request, reply) => {
    const { id } = IdParamsSchema.parse(request.params);
    await canned.remove(agentOf(request).actor, id, request.ip);
    return reply.status(204).send();
  });
}
