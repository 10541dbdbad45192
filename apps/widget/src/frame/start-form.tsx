import { useState } from 'preact/hooks';

interface Props {
  greeting: string;
  notice: string | null;
  busy: boolean;
  error: string | null;
  /** A returning visitor (a session in this browser): the server knows the name already. */
  returning?: boolean;
  onStart: (name: string | undefined) => void;
}

export function StartForm({ greeting, notice, busy, error, returning, onStart }: Props) {
  const [name, setName] = useState('');
  return (
    <form
      class="start"
      data-testid="start-form"
      onSubmit={(e) => {
        e.preventDefault();
        onStart(name.trim() || undefined);
      }}
    >
      <p class="greeting-text">{greeting}</p>
      {notice && <p class="notice">{notice}</p>}
      {returning ? (
        <p class="greeting-text">Welcome back.</p>
      ) : (
        <>
          <label for="visitor-name">Your name (optional)</label>
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
