import { useEffect, useState } from 'preact/hooks';
import type { SessionInfo } from '@parley/protocol';
import { SettingsHeader } from './settings-header';
import { t } from '../i18n';
import { pageTitle } from './format';

interface Operation {
  summary: string;
  tags: string[];
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { content: { 'application/json': { schema: unknown } } };
  responses: Record<
    string,
    { description?: string; content?: Record<string, { schema: unknown }> }
  >;
  'x-parley-token-scope'?: string;
  security?: unknown[];
}
interface Doc {
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Operation>>;
}
interface Row {
  method: string;
  path: string;
  op: Operation;
}

const schemaText = (s: unknown) => JSON.stringify(s, null, 2);

/** The browsable reference of /api/openapi.json (docs/api.md), grouped by tag. */
export function ApiReferencePage({ session }: { session: SessionInfo }) {
  const [doc, setDoc] = useState<Doc | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');

  useEffect(() => {
    document.title = pageTitle(t('settings.apiReferenceTitle'));
    fetch('/api/openapi.json', { credentials: 'same-origin' })
      .then((r) =>
        r.ok ? (r.json() as Promise<Doc>) : Promise.reject(new Error(String(r.status))),
      )
      .then(setDoc, () => setError('The API description could not be loaded.'));
  }, []);

  const rows: Row[] = doc
    ? Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
      )
    : [];
  const needle = filter.trim().toLowerCase();
  const shown = rows.filter(
    (r) => !needle || `${r.method} ${r.path} ${r.op.summary}`.toLowerCase().includes(needle),
  );
  const tags = [...new Set(shown.map((r) => r.op.tags[0] ?? 'Other'))].sort();

  return (
    <div class="app admin">
      <SettingsHeader
        session={session}
        links={[
          ...(session.agent.role === 'admin'
            ? [['/settings/api-tokens', 'API tokens'] as const]
            : []),
          ['/api/openapi.json', 'openapi.json'],
        ]}
      />
      <main class="admin-main api-reference" data-testid="api-reference">
        <h1>API reference</h1>
        {!doc ? (
          <p role={error ? 'alert' : 'status'}>{error ?? 'Loading…'}</p>
        ) : (
          <>
            <p>
              {doc.info.description} Version {doc.info.version}.
            </p>
            <label for="api-filter">Filter</label>
            <input
              id="api-filter"
              type="search"
              value={filter}
              placeholder="conversations, POST, refund…"
              onInput={(e) => setFilter(e.currentTarget.value)}
            />
            <p role="status" data-testid="api-count">
              {shown.length} of {rows.length} operations
            </p>
            {tags.map((tag) => (
              <section class="card api-tokens-card" key={tag} aria-labelledby={`tag-${tag}`}>
                <h2 id={`tag-${tag}`}>{tag}</h2>
                {shown
                  .filter((r) => (r.op.tags[0] ?? 'Other') === tag)
                  .map((r) => (
                    <details key={`${r.method} ${r.path}`} class="api-op" data-testid="api-op">
                      <summary>
                        <span class={`api-method m-${r.method.toLowerCase()}`}>{r.method}</span>{' '}
                        <code>{r.path}</code> — {r.op.summary}
                      </summary>
                      <p>
                        {r.op['x-parley-token-scope']
                          ? `API tokens need the scope ${r.op['x-parley-token-scope']}.`
                          : r.op.security?.length === 0
                            ? 'No sign-in needed.'
                            : 'Console session only.'}
                      </p>
                      {r.op.requestBody && (
                        <>
                          <h3>Request body</h3>
                          <pre tabIndex={0}>
                            {schemaText(r.op.requestBody.content['application/json'].schema)}
                          </pre>
                        </>
                      )}
                      {Object.entries(r.op.responses)
                        .filter(([, v]) => v.content)
                        .map(([status, v]) => (
                          <div key={status}>
                            <h3>Response {status}</h3>
                            <pre tabIndex={0}>
                              {schemaText(v.content?.['application/json']?.schema)}
                            </pre>
                          </div>
                        ))}
                    </details>
                  ))}
              </section>
            ))}
          </>
        )}
      </main>
    </div>
  );
}
