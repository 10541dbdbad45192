import { useEffect, useRef, useState } from 'preact/hooks';
import type { BlockKind, ConversationSummary } from '@parley/protocol';
import { BLOCK_DURATIONS, blocksApi } from '../lib/blocks-api';
import { explain } from '../lib/use-action';
import { t } from '../i18n';

// Catalog keys in full for i18n.test.ts: kind, label, help, and the label inside a sentence.
const KINDS: readonly (readonly [BlockKind, string, string, string])[] = [
  ['visitor', 'blocks.kindVisitor', 'blocks.kindVisitorHelp', 'blocks.doneVisitor'],
  ['address', 'blocks.kindAddress', 'blocks.kindAddressHelp', 'blocks.doneAddress'],
  ['network', 'blocks.kindNetwork', 'blocks.kindNetworkHelp', 'blocks.doneNetwork'],
  ['identity', 'blocks.kindIdentity', 'blocks.kindIdentityHelp', 'blocks.doneIdentity'],
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
      onDone(t(KINDS.find((k) => k[0] === kind)?.[3] ?? 'blocks.doneVisitor'));
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
        <h2 id="block-title">{t('blocks.dialogTitle')}</h2>
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
                {t(label)}
                <small class="hint">{t(help)}</small>
              </span>
            </label>
          ))}
        </fieldset>
        <label for="block-reason">{t('blocks.reason')}</label>
        <textarea
          id="block-reason"
          required
          maxLength={500}
          rows={2}
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
        <label for="block-expiry">{t('blocks.for')}</label>
        <select
          id="block-expiry"
          value={minutes === null ? '' : String(minutes)}
          onChange={(e) =>
            setMinutes(e.currentTarget.value === '' ? null : Number(e.currentTarget.value))
          }
        >
          {BLOCK_DURATIONS.map(([m, label]) => (
            <option key={label} value={m === null ? '' : String(m)}>
              {t(label)}
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
            {t('blocks.cancel')}
          </button>
          <button type="submit" class="btn danger" disabled={busy || !reason.trim()}>
            {t('blocks.block')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
