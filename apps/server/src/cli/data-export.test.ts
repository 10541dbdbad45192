// Issue 12 item 5: `parley data export` (the compiled CLI) writes the JSON and the transcript
// (0600) for a visitor found by a conversation, audited, while the server runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureDist, ROOT } from './test-dist';
import { startTestServer, type TestServer } from '../../test/test-server';
import { newVisitor, visitorSocket } from '../../test/clients';

beforeAll(ensureDist, 200_000);

describe('parley data export', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ logLevel: 'warn' });
  });
  afterAll(async () => srv?.close());

  const cli = (args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PARLEY_LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    return spawnSync(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
  };

  it('writes JSON and HTML for the visitor, and says so; an unknown one fails in words', async () => {
    const v = await newVisitor(srv.url, srv.orgKey, 'Cleo Cli');
    const s = await visitorSocket(srv.url, v.token);
    s.send({ type: 'send', clientMsgId: 'a', conversationId: v.conversationId, text: 'export me' });
    await s.next('ack', (f) => f.clientMsgId === 'a');
    s.close();
    const out = mkdtempSync(join(tmpdir(), 'parley-export-'));
    const r = cli([
      'data',
      'export',
      '--conversation',
      v.conversationId,
      '--out',
      out,
      '--data-dir',
      srv.dataDir,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('1 visitor(s), 1 conversation(s)');
    const file = join(out, `parley-export-${v.visitorId}.json`);
    const data = JSON.parse(readFileSync(file, 'utf8')) as {
      visitors: { name: string; conversations: { messages: { text: string }[] }[] }[];
    };
    expect(data.visitors[0]?.name).toBe('Cleo Cli');
    expect(data.visitors[0]?.conversations[0]?.messages[0]?.text).toBe('export me');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(out, `parley-export-${v.visitorId}.html`), 'utf8')).toContain(
      'export me',
    );
    const [entry] = await srv.server.store.audit.list(srv.orgId, {
      action: 'privacy.export',
      limit: 1,
    });
    expect(entry?.actorKind).toBe('system');

    const none = cli([
      'data',
      'export',
      '--email',
      'nobody@example.com',
      '--data-dir',
      srv.dataDir,
    ]);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('Nothing is stored about anyone matching that lookup.');
  });
});
