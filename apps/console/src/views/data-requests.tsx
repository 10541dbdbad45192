import { useState } from 'preact/hooks';
import type { DataSubjectLookup, ErasurePreview } from '@parley/protocol';
import { privacyApi } from '../lib/privacy-api';
import { useAction } from '../lib/use-action';
import { ConfirmDialog } from './confirm-dialog';

type Kind = 'email' | 'subject' | 'visitorId' | 'conversationId';
const KINDS: { value: Kind; label: string }[] = [
  { value: 'email', label: 'Verified e-mail' },
  { value: 'subject', label: 'Verified customer id (from your website)' },
  { value: 'visitorId', label: 'Visitor id' },
  { value: 'conversationId', label: 'Conversation id' },
];

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Access and erasure requests (issue 12 items 5, 6): find the person, export, or erase. */
export function DataRequestsSection() {
  const [kind, setKind] = useState<Kind>('email');
  const [value, setValue] = useState('');
  const [preview, setPreview] = useState<ErasurePreview | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const lookup = (): DataSubjectLookup =>
    ({ [kind]: value.trim() }) as unknown as DataSubjectLookup;

  const download = (name: string, type: string, text: string) => {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  const find = () =>
    run(async () => {
      setDone(null);
      setPreview(await privacyApi.preview(lookup()));
    });
  const exportIt = () =>
    run(async () => {
      const data = (await privacyApi.exportData(lookup())) as { transcriptHtml?: string };
      const { transcriptHtml, ...json } = data;
      const stamp = new Date().toISOString().slice(0, 10);
      download(`parley-export-${stamp}.json`, 'application/json', JSON.stringify(json, null, 2));
      if (transcriptHtml) download(`parley-export-${stamp}.html`, 'text/html', transcriptHtml);
      setDone('Exported: two files were downloaded (JSON and a readable transcript).');
    });
  const eraseIt = () =>
    run(async () => {
      if (!preview) return;
      // The person the confirmation named: every visitor found, with all their conversations.
      const r = { erased: { visitors: 0, conversations: 0, messages: 0, keys: 0 } };
      for (const v of preview.visitors) {
        const one = await privacyApi.erase({ visitorId: v.id });
        r.erased.visitors += one.erased.visitors;
        r.erased.conversations += one.erased.conversations;
        r.erased.messages += one.erased.messages;
        r.erased.keys += one.erased.keys;
      }
      setConfirming(false);
      setPreview(null);
      setDone(
        `Erased ${plural(r.erased.visitors, 'visitor', 'visitors')}, ${plural(r.erased.conversations, 'conversation', 'conversations')} and ${plural(r.erased.messages, 'message', 'messages')}; ${plural(r.erased.keys, 'data key was', 'data keys were')} destroyed.`,
      );
    });

  return (
    <section class="card privacy-card" aria-labelledby="requests-h" data-testid="data-requests">
      <h2 id="requests-h">Access and erasure requests</h2>
      <p>
        Find everything Parley holds about a person, then export it (an access request) or erase it
        (an erasure request). Both are recorded in the audit log, without the content.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void find();
        }}
      >
        <label for="req-kind">Find by</label>
        <select
          id="req-kind"
          value={kind}
          onChange={(e) => {
            setKind(e.currentTarget.value as Kind);
            setPreview(null);
          }}
        >
          {KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
        <label for="req-value">Value</label>
        <input
          id="req-value"
          required
          maxLength={256}
          value={value}
          onInput={(e) => {
            setValue(e.currentTarget.value);
            setPreview(null);
          }}
        />
        <div class="actions">
          <button type="submit" class="btn" disabled={busy || !value.trim()}>
            Find
          </button>
        </div>
      </form>
      {error && (
        <p class="error" role="alert" data-testid="requests-error">
          {error}
        </p>
      )}
      {done && (
        <p class="saved" role="status" data-testid="requests-done">
          {done}
        </p>
      )}
      {preview && (
        <div data-testid="requests-preview" role="status">
          <p>
            Found {plural(preview.visitors.length, 'visitor', 'visitors')}:{' '}
            {preview.visitors
              .map((v) => `${v.name ?? '(no name)'}${v.verified ? ' (verified)' : ''}`)
              .join(', ')}
            . Parley holds {plural(preview.conversations, 'conversation', 'conversations')} with{' '}
            {plural(preview.messages, 'message', 'messages')},{' '}
            {plural(preview.files, 'file', 'files')},{' '}
            {plural(preview.payments, 'payment summary', 'payment summaries')} and{' '}
            {plural(preview.consents, 'consent record', 'consent records')}.
          </p>
          <div class="actions">
            <button type="button" class="btn" disabled={busy} onClick={() => void exportIt()}>
              Export (JSON and transcript)
            </button>
            <button
              type="button"
              class="btn danger"
              disabled={busy}
              onClick={() => setConfirming(true)}
            >
              Erase…
            </button>
          </div>
        </div>
      )}
      {confirming && preview && (
        <ConfirmDialog
          title="Erase this person's data?"
          confirmLabel="Erase for good"
          onCancel={() => setConfirming(false)}
          onConfirm={() => void eraseIt()}
        >
          This erases {plural(preview.conversations, 'conversation', 'conversations')} with{' '}
          {plural(preview.messages, 'message', 'messages')} and{' '}
          {plural(preview.files, 'file', 'files')}, the name and details of{' '}
          {plural(preview.visitors.length, 'visitor', 'visitors')}, and destroys their data keys, so
          even backups cannot be read. Payment summaries keep only what accounting needs in the
          vault. This cannot be undone.
        </ConfirmDialog>
      )}
    </section>
  );
}
