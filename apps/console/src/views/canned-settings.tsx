import { useEffect, useState } from 'preact/hooks';
import { CANNED_VARIABLES, type CannedReply, type SessionInfo } from '@parley/protocol';
import { deskApi } from '../lib/desk-api';
import { errorOf } from '../lib/errors';
import { t } from '../i18n';
import { pageTitle } from './format';

const explain = (e: unknown): string => errorOf(e);

const EMPTY = { shortcut: '', title: '', body: '' };

/** Admin page: the organisation's canned replies (docs/desk.md). Bodies are masked when saved. */
export function CannedSettingsPage({ session }: { session: SessionInfo }) {
  const [replies, setReplies] = useState<CannedReply[] | null>(null);
  const [form, setForm] = useState(EMPTY);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = (): void => {
    deskApi.canned().then(setReplies, (e: unknown) => setError(explain(e)));
  };
  useEffect(() => {
    document.title = pageTitle(t('workspace.navCanned'));
    reload();
  }, []);

  const save = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const body = {
        shortcut: form.shortcut.replace(/^\//, ''),
        title: form.title,
        body: form.body,
      };
      const saved = editing
        ? await deskApi.updateCanned(editing, body)
        : await deskApi.createCanned(body);
      setNotice(`Saved /${saved.shortcut}.`);
      setForm(EMPTY);
      setEditing(null);
      reload();
    } catch (e) {
      setError(explain(e));
    }
    setBusy(false);
  };

  const remove = async (r: CannedReply): Promise<void> => {
    try {
      await deskApi.deleteCanned(r.id);
      setNotice(`Deleted /${r.shortcut}.`);
      reload();
    } catch (e) {
      setError(explain(e));
    }
  };

  return (
    <div class="app admin">
      <header class="topbar">
        <div class="topbar-left">
          <a class="brand" href="/">
            Parley
          </a>
          <span class="org">{session.organisation.name}</span>
        </div>
        <div class="topbar-right">
          <a class="btn small" href="/">
            Back to conversations
          </a>
          <span class="agent-name">{session.agent.name}</span>
        </div>
      </header>
      <main class="admin-main canned-settings" data-testid="canned-settings">
        <h1>Canned replies</h1>
        <form
          class="card settings-card canned-form"
          aria-labelledby="canned-form-title"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <h2 id="canned-form-title">{editing ? 'Edit the reply' : 'New reply'}</h2>
          <label for="canned-shortcut">Shortcut (typed after a slash, for example refund)</label>
          <input
            id="canned-shortcut"
            required
            maxLength={33}
            pattern="/?[A-Za-z0-9][A-Za-z0-9_\-]*"
            value={form.shortcut}
            onInput={(e) => setForm({ ...form, shortcut: e.currentTarget.value })}
          />
          <label for="canned-title">Title</label>
          <input
            id="canned-title"
            required
            maxLength={120}
            value={form.title}
            onInput={(e) => setForm({ ...form, title: e.currentTarget.value })}
          />
          <label for="canned-body">Text</label>
          <textarea
            id="canned-body"
            required
            rows={4}
            maxLength={4000}
            value={form.body}
            onInput={(e) => setForm({ ...form, body: e.currentTarget.value })}
          />
          <p class="hint">
            Variables: {CANNED_VARIABLES.map((v) => `{{${v}}}`).join(', ')}. Card numbers and other
            secrets are masked when saved.
          </p>
          <div class="note-actions">
            <button type="submit" class="btn primary" disabled={busy}>
              {editing ? 'Save changes' : 'Add reply'}
            </button>
            {editing && (
              <button
                type="button"
                class="btn"
                onClick={() => {
                  setEditing(null);
                  setForm(EMPTY);
                }}
              >
                Cancel
              </button>
            )}
          </div>
          {error && (
            <p class="error" role="alert" data-testid="canned-error">
              {error}
            </p>
          )}
          {notice && (
            <p class="saved" role="status" data-testid="canned-status">
              {notice}
            </p>
          )}
        </form>
        <section class="card settings-card" aria-labelledby="canned-list-title">
          <h2 id="canned-list-title">Replies</h2>
          {replies === null ? (
            <p>Loading…</p>
          ) : replies.length === 0 ? (
            <p>No canned replies yet.</p>
          ) : (
            <ul class="canned-list" data-testid="canned-list">
              {replies.map((r) => (
                <li key={r.id}>
                  <div>
                    <strong>/{r.shortcut}</strong> {r.title}
                    <p class="hint">{r.body}</p>
                  </div>
                  <div class="note-actions">
                    <button
                      type="button"
                      class="btn small"
                      aria-label={`Edit /${r.shortcut}`}
                      onClick={() => {
                        setEditing(r.id);
                        setForm({ shortcut: r.shortcut, title: r.title, body: r.body });
                      }}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      class="btn small"
                      aria-label={`Delete /${r.shortcut}`}
                      onClick={() => void remove(r)}
                    >
                      Delete
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
      </main>
    </div>
  );
}
