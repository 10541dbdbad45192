import { useEffect, useRef } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { t } from '../i18n';

/**
 * Asks before a destructive act (deactivate, role change, MFA or password
 * reset). A native modal <dialog>: focus moves into it and stays there,
 * Escape cancels, the page behind is inert, and its title and text are its
 * accessible name and description.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      class="card confirm-dialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-text"
      data-testid="confirm-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id="confirm-title">{title}</h2>
      <div id="confirm-text">{children}</div>
      <div class="dialog-actions">
        <button type="button" class="btn" onClick={onCancel} autoFocus>
          {t('thread.cancel')}
        </button>
        <button type="button" class="btn danger" onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
