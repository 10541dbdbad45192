// Issue 12 item 6: `parley data erase` (the compiled CLI) names what would go, and with --yes
// destroys the conversation's data key and content, audited, while the server runs.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureDist, ROOT } from './test-dist';
import { startTestServer, type TestServer } from '../../test/test-server';
import { newVisitor, visitorSocket } from '../../test/clients';

beforeAll(ensureDist, 200_000);

describe('parley data erase', () => {
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

  it('asks for --yes first, then erases and audits', async () => {
    const v = await newVisitor(srv.url, srv.orgKey);
    const s = await visitorSocket(srv.url, v.token);
    s.send({ type: 'send', clientMsgId: 'a', conversationId: v.conversationId, text: 'erase me' });
    await s.next('ack', (f) => f.clientMsgId === 'a');
    s.close();
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
    expect(done.stdout).toMatch(/1 message\(s\), 1 data key\(s\) destroyed/);
    expect(await srv.server.store.messages.after(srv.orgId, v.conversationId, 0, 10)).toEqual([]);
    const [entry] = await srv.server.store.audit.list(srv.orgId, {
      action: 'privacy.erase',
      limit: 1,
    });
    expect(entry?.resourceId).toBe(v.conversationId);
    expect(entry?.actorKind).toBe('system');
  });
});
