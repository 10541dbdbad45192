import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTargets } from '../store-fixtures';
import { AgentClient, newVisitor, visitorSocket } from '../clients';
import { recordFigure } from './figures';
import { startRedis, waitFor, type RedisProcess } from './kit';
import { startNodes, type Nodes } from './nodes';

const REDIS_PORT = 19201;
// PostgreSQL when configured (as in production), else two nodes on one SQLite file.
const target =
  storeTargets().find((t) => t.name === 'postgres' && t.skipReason === undefined) ??
  storeTargets()[0]!;

// The suite's own redis-server (never the machine's): skipped by name where the binary is missing.
const haveRedis = spawnSync('redis-server', ['--version']).status === 0;

describe.skipIf(!haveRedis)(
  haveRedis
    ? `fault: Redis killed and restarted under two nodes (${target.name}, own redis-server on ${REDIS_PORT})`
    : 'fault: Redis killed and restarted under two nodes (skipped: redis-server not installed)',
  () => {
    let redis: RedisProcess;
    let cluster: Nodes;
    beforeAll(async () => {
      redis = await startRedis(REDIS_PORT);
      cluster = await startNodes(await target.createNodes(2), { REDIS_URL: redis.url });
    });
    afterAll(async () => {
      await cluster?.close();
      await redis?.kill();
    });

    it('regression (issue 18 finding 2): an agent socket and a resume opened during the outage neither crash the node nor stay unsubscribed, and messages committed during the outage are delivered live once Redis is back', async () => {
      const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
      const v = await newVisitor(a.url, cluster.org.key);
      const agent = new AgentClient(b.url);
      expect((await agent.login(cluster.admin.email, cluster.admin.password)).status).toBe(200);
      expect(
        (await agent.request('POST', `/api/conversations/${v.conversationId}/accept`)).status,
      ).toBe(200);

      await redis.kill();
      // The organisation's first agent socket on node B, during the outage
      // (it used to end the process with an unhandled MaxRetriesPerRequestError).
      const as = await agent.socket();
      await as.next('ready', () => true, 15_000);
      await as.resume(v.conversationId);
      const vs = await visitorSocket(a.url, v.token);
      await vs.resume(v.conversationId);
      const during = 5;
      for (let i = 1; i <= during; i++)
        vs.send({
          type: 'send',
          clientMsgId: `outage-${i}`,
          conversationId: v.conversationId,
          text: `during the outage ${i}`,
        });
      // Committed and acknowledged although the bus is down: fan-out never fails the sender.
      for (let i = 1; i <= during; i++)
        await vs.next('ack', (f) => f.clientMsgId === `outage-${i}`, 15_000);
      expect(vs.frames.filter((f) => f.type === 'error')).toEqual([]);
      expect(as.messages(v.conversationId)).toHaveLength(0);

      const restarted = Date.now();
      await redis.start();
      // Delivered live on recovery, without any later message to trigger a gap fill.
      await waitFor(
        'the agent on node B to get what was committed during the outage',
        () => as.messages(v.conversationId).length >= during,
        20_000,
      );
      const recoveryMs = Date.now() - restarted;
      const seqs = as.messages(v.conversationId).map((m) => m.seq);
      expect(seqs).toEqual([1, 2, 3, 4, 5]);

      // Both directions are live again on both nodes.
      as.send({
        type: 'send',
        clientMsgId: 'agent-after',
        conversationId: v.conversationId,
        text: 'back',
      });
      await vs.next('message', (m) => m.text === 'back', 10_000);
      vs.send({
        type: 'send',
        clientMsgId: 'visitor-after',
        conversationId: v.conversationId,
        text: 'again',
      });
      await as.next('message', (m) => m.text === 'again', 10_000);
      expect(new Set(as.messages(v.conversationId).map((m) => m.seq)).size).toBe(7);
      recordFigure('redis kill and restart (two nodes)', {
        store: target.name,
        committedDuringOutage: during,
        deliveredLiveAfterRestartMs: recoveryMs,
      });
      as.close();
      vs.close();
    });
  },
);
