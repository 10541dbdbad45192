import {
  DEFAULT_NOTIFICATION_SETTINGS,
  type NotificationEvent,
  type NotificationSettings,
  type ServerFrame,
  type Team,
} from '@parley/protocol';
import type { ConsoleState } from './state';
import { t } from '../i18n';
import { visitorName } from '../views/format';

/**
 * Desk alerts (issue 14 item 7): which frames alert the agent, and the sound and desktop
 * notification that say so, each as the agent chose (stored per agent on the server).
 * A desktop notification names the person, never the message text: the operating system
 * keeps notifications where the console's masking and sign-out do not reach.
 */
export interface Alert {
  event: NotificationEvent;
  conversationId: string;
  title: string;
  body: string;
}

let settings: NotificationSettings = DEFAULT_NOTIFICATION_SETTINGS;

/** The agent's choices, as loaded at start or just saved on the profile page. */
export function setNotificationSettings(next: NotificationSettings): void {
  settings = next;
}
export const notificationSettings = (): NotificationSettings => settings;

const nameOf = (state: ConsoleState, id: string): string => {
  const c = state.conversations[id];
  return c ? visitorName(c) : t('notify.aVisitor');
};

/**
 * The alert a frame raises for this agent, judged against the state before it is applied;
 * null for none. `replaying`: the frame is part of a resume (old news, not alerted);
 * `looking`: the agent has this conversation open in a visible tab.
 */
export function alertFor(
  state: ConsoleState,
  frame: ServerFrame,
  ctx: { meId: string; teams: Team[]; replaying: boolean; visible: boolean },
): Alert | null {
  const looking = (id: string) => ctx.visible && state.selectedId === id;
  if (frame.type === 'conversation') {
    const c = frame.conversation;
    const prev = state.conversations[c.id];
    if (c.status === 'waiting' && prev?.status !== 'waiting')
      return {
        event: 'waiting',
        conversationId: c.id,
        title: t('notify.waitingTitle'),
        body: t('notify.waitingBody', { name: visitorName(c) }),
      };
    if (c.status === 'active' && c.agent?.id === ctx.meId && prev?.agent?.id !== ctx.meId)
      return looking(c.id)
        ? null
        : {
            event: 'assigned',
            conversationId: c.id,
            title: t('notify.assignedTitle'),
            body: t('notify.assignedBody', { name: visitorName(c) }),
          };
    return null;
  }
  if (frame.type === 'transfer') {
    const tr = frame.transfer;
    if (tr.status !== 'pending' || tr.from.id === ctx.meId) return null;
    const known = state.transfers[frame.conversationId]?.some((x) => x.id === tr.id);
    const toTeam = tr.toTeam && ctx.teams.find((x) => x.id === tr.toTeam?.id);
    const forMe = tr.toAgent?.id === ctx.meId || (toTeam && toTeam.memberIds.includes(ctx.meId));
    if (known || !forMe) return null;
    return {
      event: 'transfer',
      conversationId: frame.conversationId,
      title: t('notify.transferTitle'),
      body: t('notify.transferBody', {
        from: tr.from.name ?? t('notify.anAgent'),
        name: nameOf(state, frame.conversationId),
      }),
    };
  }
  if (frame.type === 'message') {
    const id = frame.conversationId;
    if (frame.sender.kind !== 'visitor' || ctx.replaying || looking(id)) return null;
    if (state.conversations[id]?.agent?.id !== ctx.meId) return null;
    if (state.messages[id]?.some((m) => m.seq === frame.seq)) return null;
    return {
      event: 'message',
      conversationId: id,
      title: t('notify.messageTitle', { name: nameOf(state, id) }),
      body: t('notify.messageBody'),
    };
  }
  return null;
}

let audio: AudioContext | null = null;

/** A short two-tone chime made in the browser (no file to load, nothing from elsewhere). */
function chime(): void {
  try {
    audio ??= new AudioContext();
    const ctx = audio;
    const gain = ctx.createGain();
    gain.gain.value = 0.08;
    gain.connect(ctx.destination);
    [880, 1320].forEach((hz, i) => {
      const osc = ctx.createOscillator();
      osc.frequency.value = hz;
      osc.connect(gain);
      osc.start(ctx.currentTime + i * 0.12);
      osc.stop(ctx.currentTime + i * 0.12 + 0.1);
    });
  } catch {
    // No audio (blocked before any click, or unsupported): the title and badges still say it.
  }
}

/** Plays and shows an alert as the agent chose. */
export function fireAlert(alert: Alert | null, onOpen: (conversationId: string) => void): void {
  if (!alert) return;
  const choice = settings[alert.event];
  if (choice.sound) chime();
  if (!choice.desktop || typeof Notification === 'undefined') return;
  if (Notification.permission !== 'granted') return;
  try {
    const n = new Notification(alert.title, { body: alert.body, tag: alert.conversationId });
    n.onclick = () => {
      window.focus();
      onOpen(alert.conversationId);
      n.close();
    };
  } catch {
    // Some browsers allow notifications only from a service worker; the sound still plays.
  }
}

/** The tab title: what waits (the queue) and what is unread in my chats. */
export function deskTitle(waiting: number, unread: Record<string, number>): string {
  const n = Object.values(unread).reduce((a, b) => a + b, 0);
  const parts = [
    ...(waiting > 0 ? [t('workspace.titleWaiting', { count: waiting })] : []),
    ...(n > 0 ? [t('workspace.titleUnread', { count: n })] : []),
  ];
  return parts.length > 0
    ? t('workspace.titleWith', { parts: parts.join(', ') })
    : t('workspace.title');
}
