import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { startServer } from '../main';
import { bootstrapTestOrg } from '../../test/bootstrap';
import { storeTargets } from '../../test/store-fixtures';
import { AgentClient, newVisitor, visitorSocket } from '../../test/clients';

const redisUrl = process.env.REDIS_URL;
// PostgreSQL when configured (as in production), else two nodes on one SQLite file.
const target =
  storeTargets().find((t) => t.name === 'postgres' && t.skipReason === undefined) ??
  storeTargets()[0]!;

describe.skipIf(!redisUrl)(
  redisUrl
    ? `two server nodes over the Redis bus (${target.name})`
    : 'two server nodes over the Redis bus (skipped: REDIS_URL not set)',
  () => {
    it('delivers messages between a visitor on one node and an agent on the other, and resumes across nodes', async () => {
      const [storeA, storeB] = await target.createNodes(2);
      const quiet = new Writable({ write: (_c, _e, cb) => cb() });
      const node = (store: typeof storeA) =>
        startServer(
          loadConfig(
            { REDIS_URL: redisUrl!, PARLEY_LOG_LEVEL: 'warn' },
            { dataDir: mkdtempSync(join(tmpdir(), 'parley-node-')), port: 0 },
          ),
          {
            store: store!,
            logDestination: quiet,
          },
        );
      const a = await node(storeA);
      const b = await node(storeB);
      try {
        // MFA is not what this test is about (security tests cover it): password-only sign-in.
        const { org, admin } = await bootstrapTestOrg(a.store, {
          publicOrigin: new URL(a.url).origin,
        });
        // Node B serves the same organisation; allow its origin as well.
        await a.store.orgs.update(org.id, {
          allowedOrigins: [...org.allowedOrigins, new URL(b.url).origin],
        });

        const v = await newVisitor(a.url, org.key);
        const agent = new AgentClient(b.url);
        expect((await agent.login(admin.email, admin.password)).status).toBe(200);
        expect(
          (await agent.request('POST', `/api/conversations/${v.conversationId}/accept`)).status,
        ).toBe(200);
        const as = await agent.socket();
        await as.next('ready');
        await as.resume(v.conversationId);
        const vs = await visitorSocket(a.url, v.token);
        await vs.resume(v.conversationId);

        for (let i = 1; i <= 20; i++) {
          vs.send({
            type: 'send',
            clientMsgId: `v${i}`,
            conversationId: v.conversationId,
            text: `visitor ${i}`,
          });
        }
        as.send({
          type: 'send',
          clientMsgId: 'a1',
          conversationId: v.conversationId,
          text: 'agent here',
        });
        await as.next('message', (m) => m.text === 'visitor 20');
        await vs.next('message', (m) => m.text === 'agent here');
        await expect.poll(() => as.messages().length).toBe(21);
        await expect.poll(() => vs.messages().length).toBe(21);
        const seqs = as.messages().map((m) => m.seq);
        expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
        expect(new Set(seqs).size).toBe(21);

        // The visitor moves to node B and resumes from the middle.
        vs.cut();
        const again = await visitorSocket(b.url, v.token);
        await again.resume(v.conversationId, 10);
        expect(again.messages().map((m) => m.seq)).toEqual(
          Array.from({ length: 11 }, (_, i) => i + 11),
        );
        again.close();
        as.close();
      } finally {
        await a.close();
        await b.close();
        await storeA!.close();
        await storeB!.close();
      }
    });
  },
);
