import {
  DEFAULT_NOTIFICATION_SETTINGS,
  NotificationSettingsSchema,
  type NotificationSettings,
} from '@parley/protocol';
import type { AgentActor } from '../auth';
import type { ChatActor } from '../chat';
import type { DeskDeps } from './service';

type Agent = ChatActor & AgentActor;

/**
 * Notifications and read state (issue 14 item 7). Each agent's choice of alerts and their
 * read mark per conversation live in the store, so a reload, another tab or another node
 * shows the same unread counts. An agent reads and writes only their own; a read mark is
 * set only on a conversation the agent may view (the chat policy decides, 404 otherwise).
 */
export function createNotificationsService(deps: DeskDeps) {
  const { store, chat } = deps;
  return {
    async settings(actor: AgentActor): Promise<NotificationSettings> {
      const raw = await store.desk.notificationSettings(actor.orgId, actor.agentId);
      if (raw === undefined) return DEFAULT_NOTIFICATION_SETTINGS;
      // A row written by an older version falls back to the defaults, never to an error.
      try {
        const parsed = NotificationSettingsSchema.safeParse(JSON.parse(raw));
        return parsed.success ? parsed.data : DEFAULT_NOTIFICATION_SETTINGS;
      } catch {
        return DEFAULT_NOTIFICATION_SETTINGS;
      }
    },

    async setSettings(
      actor: AgentActor,
      settings: NotificationSettings,
    ): Promise<NotificationSettings> {
      await store.desk.setNotificationSettings(
        actor.orgId,
        actor.agentId,
        JSON.stringify(settings),
        Date.now(),
      );
      return settings;
    },

    async markRead(actor: Agent, conversationId: string, seq: number): Promise<void> {
      const conv = await chat.authorize(actor, conversationId, 'view');
      await store.desk.markRead({
        orgId: actor.orgId,
        agentId: actor.agentId,
        conversationId: conv.id,
        // Never beyond what exists: a mark ahead of the conversation would hide later messages.
        seq: Math.min(seq, conv.lastSeq),
        now: Date.now(),
      });
    },

    unread: (actor: AgentActor) => store.desk.unread(actor.orgId, actor.agentId),
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
