import { useState } from 'preact/hooks';
import type { PublicTeam, WidgetConsent } from '@parley/protocol';
import { t } from './i18n';

interface Props {
  greeting: string;
  notice: string | null;
  busy: boolean;
  error: string | null;
  /** The organisation's pre-chat consent (docs/privacy.md); undefined: none asked. */
  consent: WidgetConsent | undefined;
  /** A returning visitor (a session in this browser): the server knows the name already. */
  returning?: boolean;
  /** Teams the visitor may choose (pre-chat choice, docs/routing.md); none: no question. */
  teams?: PublicTeam[];
  /** The visitor picked a team: availability (and the offline form) become that team's. */
  onTeamChange?: (teamId: string) => void;
  onStart: (
    name: string | undefined,
    consentVersion: number | undefined,
    teamId: string | undefined,
  ) => void;
}

export function StartForm({
  greeting,
  notice,
  busy,
  error,
  returning,
  consent,
  teams = [],
  onStart,
  onTeamChange,
}: Props) {
  const [name, setName] = useState('');
  const [agreed, setAgreed] = useState(false);
  const [missing, setMissing] = useState(false);
  const [team, setTeam] = useState('');
  return (
    <form
      class="start"
      data-testid="start-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (consent?.required && !agreed) {
          setMissing(true);
          document.getElementById('consent-agree')?.focus();
          return;
        }
        onStart(
          name.trim() || undefined,
          consent && agreed ? consent.version : undefined,
          team || undefined,
        );
      }}
    >
      <p class="greeting-text">{greeting}</p>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {returning ? (
        <p class="greeting-text">{t('start.welcomeBack')}</p>
      ) : (
        <>
          <label for="visitor-name">{t('start.name')}</label>
          <input
            id="visitor-name"
            type="text"
            autocomplete="name"
            maxLength={80}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </>
      )}
      {teams.length > 0 && (
        <>
          <label for="visitor-team">{t('start.team')}</label>
          <select
            id="visitor-team"
            data-testid="team-choice"
            value={team}
            onChange={(e) => {
              setTeam(e.currentTarget.value);
              onTeamChange?.(e.currentTarget.value);
            }}
          >
            <option value="">{t('start.teamAny')}</option>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </>
      )}
      {consent && (
        <fieldset class="consent" data-testid="consent">
          <legend>{t('start.privacy')}</legend>
          <p id="consent-text">{consent.text}</p>
          {consent.privacyUrl && (
            <p>
              <a href={consent.privacyUrl} target="_blank" rel="noopener noreferrer">
                {t('start.policy')}
              </a>
            </p>
          )}
          <label class="check" for="consent-agree">
            <input
              id="consent-agree"
              type="checkbox"
              checked={agreed}
              aria-describedby={`consent-text${missing ? ' consent-missing' : ''}`}
              aria-invalid={missing && !agreed ? 'true' : undefined}
              aria-required={consent.required ? 'true' : undefined}
              onChange={(e) => {
                setAgreed(e.currentTarget.checked);
                if (e.currentTarget.checked) setMissing(false);
              }}
            />{' '}
            {consent.required ? t('start.agreeRequired') : t('start.agreeOptional')}
          </label>
          {missing && !agreed && (
            <p class="error" id="consent-missing" role="alert">
              {t('start.consentMissing')}
            </p>
          )}
        </fieldset>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="btn primary" disabled={busy}>
        {busy ? t('start.starting') : t('start.start')}
      </button>
    </form>
  );
}
