import { useState } from 'preact/hooks';
import type { PublicTeam } from '@parley/protocol';

interface Props {
  greeting: string;
  notice: string | null;
  busy: boolean;
  error: string | null;
  /** Teams the visitor may choose (pre-chat choice, docs/routing.md); none: no question. */
  teams?: PublicTeam[];
  onStart: (name: string | undefined, teamId: string | undefined) => void;
}

export function StartForm({ greeting, notice, busy, error, teams = [], onStart }: Props) {
  const [name, setName] = useState('');
  const [team, setTeam] = useState('');
  return (
    <form
      class="start"
      data-testid="start-form"
      onSubmit={(e) => {
        e.preventDefault();
        onStart(name.trim() || undefined, team || undefined);
      }}
    >
      <p class="greeting-text">{greeting}</p>
      {notice && <p class="notice">{notice}</p>}
      <label for="visitor-name">Your name (optional)</label>
      <input
        id="visitor-name"
        type="text"
        autocomplete="name"
        maxLength={80}
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      {teams.length > 0 && (
        <>
          <label for="visitor-team">What can we help you with?</label>
          <select
            id="visitor-team"
            data-testid="team-choice"
            value={team}
            onChange={(e) => setTeam(e.currentTarget.value)}
          >
            <option value="">Anything else</option>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="btn primary" disabled={busy}>
        {busy ? 'Starting…' : 'Start chat'}
      </button>
    </form>
  );
}
