import { useState } from 'preact/hooks';
import { t } from './i18n';

export interface OfflineInput {
  name: string;
  email: string;
  message: string;
}

interface Props {
  text: string;
  notice: string | null;
  busy: boolean;
  error: string | null;
  onSubmit: (input: OfflineInput) => void;
}

/**
 * "Leave a message" (docs/feedback.md "Offline mode"): shown when nobody can answer. The
 * message becomes a conversation in the queue; the reply comes by e-mail with a link back.
 */
export function OfflineForm({ text, notice, busy, error, onSubmit }: Props) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [message, setMessage] = useState('');
  const [consent, setConsent] = useState(false);
  return (
    <form
      class="start offline"
      data-testid="offline-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit({ name: name.trim(), email: email.trim(), message: message.trim() });
      }}
    >
      <p class="greeting-text" role="status">
        {text}
      </p>
      {notice && <p class="notice">{notice}</p>}
      <label for="offline-name">{t('offline.name')}</label>
      <input
        id="offline-name"
        type="text"
        autocomplete="name"
        required
        maxLength={80}
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      <label for="offline-email">{t('offline.email')}</label>
      <input
        id="offline-email"
        type="email"
        autocomplete="email"
        required
        maxLength={254}
        value={email}
        onInput={(e) => setEmail(e.currentTarget.value)}
      />
      <label for="offline-message">{t('offline.message')}</label>
      <textarea
        id="offline-message"
        required
        rows={4}
        maxLength={4000}
        value={message}
        onInput={(e) => setMessage(e.currentTarget.value)}
      />
      <label class="consent">
        <input
          type="checkbox"
          required
          checked={consent}
          onChange={(e) => setConsent(e.currentTarget.checked)}
        />{' '}
        {t('offline.consent')}
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="btn primary" disabled={busy || !consent}>
        {busy ? t('offline.sending') : t('offline.send')}
      </button>
    </form>
  );
}
