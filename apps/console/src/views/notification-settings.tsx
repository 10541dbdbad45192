import { useEffect, useState } from 'preact/hooks';
import type { NotificationEvent, NotificationSettings } from '@parley/protocol';
import { deskApi } from '../lib/desk-api';
import { setNotificationSettings } from '../lib/notify';
import { errorOf } from '../lib/errors';
import { t } from '../i18n';

const EVENTS: { event: NotificationEvent; label: string }[] = [
  { event: 'waiting', label: 'profile.notifyWaiting' },
  { event: 'assigned', label: 'profile.notifyAssigned' },
  { event: 'transfer', label: 'profile.notifyTransfer' },
  { event: 'message', label: 'profile.notifyMessage' },
];

const permission = (): NotificationPermission | 'unsupported' =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;

/** The agent's own sound and desktop alerts (docs/desk.md "Notifications"), stored per agent. */
export function NotificationsSection() {
  const [settings, setSettings] = useState<NotificationSettings | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [allowed, setAllowed] = useState(permission());
  useEffect(() => {
    deskApi
      .notificationSettings()
      .then(setSettings, () => setStatus(t('profile.notifyLoadFailed')));
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
      setStatus(t('profile.notifySaved'));
    } catch (err) {
      setStatus(errorOf(err));
    }
  };
  return (
    <section class="card" aria-labelledby="notify-title" data-testid="notification-settings">
      <h2 id="notify-title">{t('profile.notifyTitle')}</h2>
      <p class="hint">
        {t('profile.notifyHint')}
        {allowed === 'denied' && ` ${t('profile.notifyBlocked')}`}
        {allowed === 'unsupported' && ` ${t('profile.notifyUnsupported')}`}
      </p>
      <form onSubmit={(e) => void save(e)}>
        {EVENTS.map(({ event, label }) => (
          <fieldset key={event} class="notify-row">
            <legend>{t(label)}</legend>
            <label>
              <input
                type="checkbox"
                checked={settings[event].sound}
                onChange={(e) => set(event, 'sound', e.currentTarget.checked)}
              />{' '}
              {t('profile.notifySound')}
            </label>
            <label>
              <input
                type="checkbox"
                checked={settings[event].desktop}
                onChange={(e) => set(event, 'desktop', e.currentTarget.checked)}
              />{' '}
              {t('profile.notifyDesktop')}
            </label>
          </fieldset>
        ))}
        <button type="submit" class="btn primary">
          {t('profile.notifySave')}
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
