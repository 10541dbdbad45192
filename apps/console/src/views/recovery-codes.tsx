import { useState } from 'preact/hooks';
import { t } from '../i18n';

/**
 * Recovery codes, shown once: a block that never wraps inside a code (each
 * code is one unbreakable item), with Copy and Download (a text file).
 */
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone?: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const text = `${t('security.recoveryFileTitle')}\n\n${codes.join('\n')}\n`;
  const copy = () => {
    navigator.clipboard.writeText(text).then(
      () => setCopied(t('security.copied')),
      () => setCopied(t('security.copyBlocked')),
    );
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'parley-recovery-codes.txt';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <div class="recovery-block" data-testid="recovery-block">
      <p>{t('security.recoveryHint')}</p>
      <ul
        class="recovery-grid"
        aria-label={t('security.recoveryCodes')}
        data-testid="recovery-codes"
      >
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <div class="dialog-actions">
        <button type="button" class="btn" onClick={copy}>
          {t('security.copy')}
        </button>
        <button type="button" class="btn" onClick={download}>
          {t('security.download')}
        </button>
        {onDone && (
          <button type="button" class="btn primary" onClick={onDone}>
            {t('security.recoverySaved')}
          </button>
        )}
      </div>
      <p role="status" class="info">
        {copied}
      </p>
    </div>
  );
}
