import type { ComponentChildren } from 'preact';

/**
 * A credential shown once, right after it was made (an API token, a webhook's signing secret):
 * what it is, the value, Copy and Done. The page forgets it on Done.
 */
export function SecretOnce({
  testId,
  value,
  onDone,
  children,
}: {
  testId: string;
  value: string;
  onDone: () => void;
  children: ComponentChildren;
}) {
  return (
    <div class="card api-tokens-card token-secret" role="status" data-testid={testId}>
      <p>{children}</p>
      <code class="secret-value">{value}</code>
      <div class="actions">
        <button
          type="button"
          class="btn small"
          onClick={() => void navigator.clipboard?.writeText(value)}
        >
          Copy
        </button>
        <button type="button" class="btn small" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
