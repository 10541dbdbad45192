import { useEffect, useRef, useState } from 'preact/hooks';
import type { BlockKind, ConversationSummary } from '@parley/protocol';
import { BLOCK_DURATIONS, blocksApi } from '../lib/blocks-api';
import { explain } from '../lib/use-action';

const KINDS: readonly (readonly [BlockKind, string, string])[] = [
  ['visitor', 'This visitor', 'Their chat ends now and they cannot start another in this browser.'],
  ['address', 'Their address', 'Nobody can start a chat from their current network address.'],
  ['network', 'Their network (/24)', 'Nobody can start a chat from the addresses around theirs.'],
  [
    'identity',
    'The verified customer',
    'Blocks the customer your website vouched for, on every device.',
  ],
];

/**
 * Blocking from a conversation (docs/security.md "Blocking visitors"): a modal
 * <dialog> so focus stays in it; the visitor only ever sees a neutral
 * "Chat is not available at the moment".
 */
export function BlockDialog({
  conversation: c,
  onDone,
  onCancel,
}: {
  conversation: ConversationSummary;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [kind, setKind] = useState<BlockKind>('visitor');
  const [reason, setReason] = useState('');
  const [minutes, setMinutes] = useState<number | null>(1440);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  const verified = c.visitor.verified;

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await blocksApi.fromConversation(c.id, {
        kind,
        reason: reason.trim(),
        expiresInMinutes: minutes,
      });
      onDone(
        `Blocked (${KINDS.find((k) => k[0] === kind)?.[1].toLowerCase() ?? kind}). An administrator can lift it under Blocked visitors.`,
      );
    } catch (e) {
      setError(explain(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={ref}
      class="card confirm-dialog block-dialog"
      aria-labelledby="block-title"
      data-testid="block-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2 id="block-title">Block this visitor?</h2>
        <fieldset>
          <legend>Block</legend>
          {KINDS.filter(([k]) => k !== 'identity' || verified).map(([k, label, help]) => (
            <label class="check" key={k}>
              <input
                type="radio"
                name="block-kind"
                value={k}
                checked={kind === k}
                onChange={() => setKind(k)}
              />
              <span>
                {label}
                <small class="hint">{help}</small>
              </span>
            </label>
          ))}
        </fieldset>
        <label for="block-reason">Reason (kept in the audit log)</label>
        <textarea
          id="block-reason"
          required
          maxLength={500}
          rows={2}
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
        <label for="block-expiry">For</label>
        <select
          id="block-expiry"
          value={minutes === null ? '' : String(minutes)}
          onChange={(e) =>
            setMinutes(e.currentTarget.value === '' ? null : Number(e.currentTarget.value))
          }
        >
          {BLOCK_DURATIONS.map(([m, label]) => (
            <option key={label} value={m === null ? '' : String(m)}>
              {label}
            </option>
          ))}
        </select>
        {error && (
          <p class="error" role="alert" data-testid="block-error">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" class="btn danger" disabled={busy || !reason.trim()}>
            Block
          </button>
        </div>
      </form>
    </dialog>
  );
}
