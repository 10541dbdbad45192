import { useState } from 'preact/hooks';
import { errorOf } from './errors';

/** The message to show for a failed call: the registry's, or a generic one. */
export const explain = (e: unknown): string => errorOf(e);

/**
 * One form action at a time on a settings page: `busy` while it runs, its error
 * (shown in an alert) when it fails. `run(fn)` clears the last error first.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (fn: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(explain(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
