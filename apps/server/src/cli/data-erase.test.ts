// Issue 12 item 6: `parley data erase` (the compiled CLI) names what would go, and with --yes
// destroys the conversation's data key and content, audited, while the server runs.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureDist, ROOT } from './test-dist';
import { startTestServer, type TestServer } from '../../test/test-server';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { newVisitor, visitorSocket } from '../../test/clients';
import { startClamd, type TestClamd } from '../../test/clamd';
import { putFile } from '../../test/files-kit';

beforeAll(ensureDist, 200_000);

describe('parley data erase', () => {
  let srv: TestServer;
  let clamd: TestClamd;
  beforeAll(async () => {
    clamd = await startClamd();
    srv = await startTestServer({
      logLevel: 'warn',
      env: { PARLEY_CLAMD_SOCKET: clamd.socket, PARLEY_FILES_OCR: 'off' },
    });
  }, 60_000);
  afterAll(async () => {
    await srv?.close();
    await clamd?.close();
  });

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

  it('asks for --yes first, then erases and audits; the file bytes go with the rows', async () => {
    const v = await newVisitor(srv.url, srv.orgKey);
    const s = await visitorSocket(srv.url, v.token);
    s.send({ type: 'send', clientMsgId: 'a', conversationId: v.conversationId, text: 'erase me' });
    await s.next('ack', (f) => f.clientMsgId === 'a');
    s.close();
    // Regression: the command destroyed the key and left the file bytes in the data directory.
    const up = await putFile(
      srv.url,
      `/conversations/${v.conversationId}/files`,
      { bearer: v.token },
      Buffer.from('delivery notes\n'),
      'notes.txt',
    );
    expect(up.status).toBe(201);
    const fileId = up.body.file?.id ?? '';
    await srv.server.files.idle();
    expect((await srv.server.store.files.byId(srv.orgId, fileId))?.status).toBe('available');
    const stored = join(srv.dataDir, 'files', srv.orgId, v.conversationId, `${fileId}.original`);
    expect(existsSync(stored)).toBe(true);
    const args = ['data', 'erase', '--conversation', v.conversationId, '--data-dir', srv.dataDir];

    const dry = cli(args);
    expect(dry.status).toBe(2);
    expect(dry.stdout).toContain(`would erase in`);
    expect(await srv.server.store.messages.after(srv.orgId, v.conversationId, 0, 10)).toHaveLength(
      1,
    );

    const done = cli([...args, '--yes']);
    expect(done.stderr).toBe('');
    expect(done.status).toBe(0);
    expect(done.stdout).toMatch(/1 message\(s\), 1 file\(s\), 1 data key\(s\) destroyed/);
    expect(existsSync(stored)).toBe(false);
    expect(await srv.server.store.files.byId(srv.orgId, fileId)).toBeUndefined();
    expect(await srv.server.store.messages.after(srv.orgId, v.conversationId, 0, 10)).toEqual([]);
    const [entry] = await srv.server.store.audit.list(srv.orgId, {
      action: 'privacy.erase',
      limit: 1,
    });
    expect(entry?.resourceId).toBe(v.conversationId);
    expect(entry?.actorKind).toBe('system');
  });
});
