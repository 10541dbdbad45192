import { useState } from 'preact/hooks';

/**
 * Recovery codes, shown once: a block that never wraps inside a code (each
 * code is one unbreakable item), with Copy and Download (a text file).
 */
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone?: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const text = `Parley recovery codes (each works once)\n\n${codes.join('\n')}\n`;
  const copy = () => {
    navigator.clipboard.writeText(text).then(
      () => setCopied('Copied to the clipboard.'),
      () => setCopied('Copying is not allowed here: select the codes and copy them yourself.'),
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
      <p>Each code signs you in once if you lose your authenticator. They are shown only now.</p>
      <ul class="recovery-grid" aria-label="Recovery codes" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <div class="dialog-actions">
        <button type="button" class="btn" onClick={copy}>
          Copy
        </button>
        <button type="button" class="btn" onClick={download}>
          Download
        </button>
        {onDone && (
          <button type="button" class="btn primary" onClick={onDone}>
            I have saved them
          </button>
        )}
      </div>
      <p role="status" class="info">
        {copied}
      </p>
    </div>
  );
}
