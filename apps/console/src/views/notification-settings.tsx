import { useEffect, useState } from 'preact/hooks';
import type { NotificationEvent, NotificationSettings } from '@parley/protocol';
import { deskApi } from '../lib/desk-api';
import { setNotificationSettings } from '../lib/notify';
import { errorOf } from '../lib/errors';

const EVENTS: { event: NotificationEvent; label: string }[] = [
  { event: 'waiting', label: 'A new chat is waiting' },
  { event: 'assigned', label: 'A chat is assigned to me' },
  { event: 'transfer', label: 'A transfer is offered to me' },
  { event: 'message', label: 'A new message in one of my chats' },
];

const permission = (): NotificationPermission | 'unsupported' =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;

/** The agent's own sound and desktop alerts (docs/desk.md "Notifications"), stored per agent. */
export function NotificationsSection() {
  const [settings, setSettings] = useState<NotificationSettings | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [allowed, setAllowed] = useState(permission());
  useEffect(() => {
    deskApi.notificationSettings().then(setSettings, () => setStatus('Could not load.'));
  }, []);
  if (!settings) return null;
  const set = (event: NotificationEvent, kind: 'sound' | 'desktop', on: boolean) =>
    setSettings({ ...settings, [event]: { ...settings[event], [kind]: on } });
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    const wantsDesktop = EVENTS.some((x) => settings[x.event].desktop);
    if (wantsDesktop && permission() === 'default')
      setAllowed(await Notification.requestPermission());
    try {
      const saved = await deskApi.saveNotificationSettings(settings);
      setNotificationSettings(saved);
      setStatus('Your notification settings were saved.');
    } catch (err) {
      setStatus(errorOf(err));
    }
  };
  return (
    <section class="card" aria-labelledby="notify-title" data-testid="notification-settings">
      <h2 id="notify-title">Notifications</h2>
      <p class="hint">
        A desktop notification names the visitor, never what they wrote.
        {allowed === 'denied' &&
          ' This browser blocks notifications from the console: allow them in its site settings.'}
        {allowed === 'unsupported' && ' This browser cannot show desktop notifications.'}
      </p>
      <form onSubmit={(e) => void save(e)}>
        {EVENTS.map(({ event, label }) => (
          <fieldset key={event} class="notify-row">
            <legend>{label}</legend>
            <label>
              <input
                type="checkbox"
                checked={settings[event].sound}
                onChange={(e) => set(event, 'sound', e.currentTarget.checked)}
              />{' '}
              Sound
            </label>
            <label>
              <input
                type="checkbox"
                checked={settings[event].desktop}
                onChange={(e) => set(event, 'desktop', e.currentTarget.checked)}
              />{' '}
              Desktop notification
            </label>
          </fieldset>
        ))}
        <button type="submit" class="btn primary">
          Save notifications
        </button>
        {status && (
          <p role="status" data-testid="notify-status">
            {status}
          </p>
        )}
      </form>
    </section>
  );
}
