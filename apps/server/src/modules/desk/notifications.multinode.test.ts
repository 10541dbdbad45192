import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_NOTIFICATION_SETTINGS, type NotificationSettings } from '@parley/protocol';
import { AgentClient, newVisitor, visitorSocket } from '../../../test/clients';
import { clusterTarget, twoNodes, type Cluster } from '../../../test/cluster';

const redisUrl = process.env.REDIS_URL;

type Unread = { unread: { conversationId: string; unread: number }[] };

describe.skipIf(!redisUrl)(
  redisUrl
    ? `read state and notification settings across two nodes over Redis (${clusterTarget.name})`
    : 'read state and notification settings across two nodes (skipped: REDIS_URL not set)',
  () => {
    let c: Cluster;
    beforeAll(async () => {
      c = await twoNodes(redisUrl!);
    });
    afterAll(async () => {
      await c.close();
    });

    it('unread counts and settings agree on both nodes and survive a new session', async () => {
      const a = await c.createAgent('agent');
      const onA = new AgentClient(c.a.url);
      const onB = new AgentClient(c.b.url);
      expect((await onA.login(a.email, a.password)).status).toBe(200);
      expect((await onB.login(a.email, a.password)).status).toBe(200);
      const unread = async (client: AgentClient) =>
        ((await (await client.request('GET', '/api/desk/unread')).json()) as Unread).unread;

      const v = await newVisitor(c.b.url, c.org.key, 'Nia Node');
      expect(
        (await onA.request('POST', `/api/conversations/${v.conversationId}/accept`)).status,
      ).toBe(200);
      const vs = await visitorSocket(c.b.url, v.token);
      await vs.resume(v.conversationId);
      for (const [i, text] of ['one', 'two', 'three'].entries()) {
        vs.send({ type: 'send', clientMsgId: `v-${i}`, conversationId: v.conversationId, text });
        await vs.next('ack', (f) => f.clientMsgId === `v-${i}`);
      }
      const counts = [{ conversationId: v.conversationId, unread: 3 }];
      expect(await unread(onA)).toEqual(counts);
      expect(await unread(onB)).toEqual(counts);

      // Read on node B: node A's count follows; an older mark from node A does not undo it.
      const read = (client: AgentClient, seq: number) =>
        client.request('PUT', `/api/conversations/${v.conversationId}/read`, { seq });
      expect((await read(onB, 2)).status).toBe(204);
      expect(await unread(onA)).toEqual([{ conversationId: v.conversationId, unread: 1 }]);
      await read(onA, 1);
      expect(await unread(onB)).toEqual([{ conversationId: v.conversationId, unread: 1 }]);
      // A mark beyond the last message is clamped, so a later message still counts.
      await read(onA, 99);
      expect(await unread(onB)).toEqual([]);
      vs.send({ type: 'send', clientMsgId: 'v-3', conversationId: v.conversationId, text: 'four' });
      await vs.next('ack', (f) => f.clientMsgId === 'v-3');
      expect(await unread(onA)).toEqual([{ conversationId: v.conversationId, unread: 1 }]);

      // Settings saved on one node are read on the other, and by a new session.
      expect(
        (
          (await (await onB.request('GET', '/api/desk/notification-settings')).json()) as {
            settings: NotificationSettings;
          }
        ).settings,
      ).toEqual(DEFAULT_NOTIFICATION_SETTINGS);
      const mine: NotificationSettings = {
        ...DEFAULT_NOTIFICATION_SETTINGS,
        message: { sound: false, desktop: true },
      };
      expect((await onA.request('PUT', '/api/desk/notification-settings', mine)).status).toBe(200);
      const fresh = new AgentClient(c.b.url);
      await fresh.login(a.email, a.password);
      const got = (await (
        await fresh.request('GET', '/api/desk/notification-settings')
      ).json()) as {
        settings: NotificationSettings;
      };
      expect(got.settings).toEqual(mine);
      expect(
        (
          await onA.request('PUT', '/api/desk/notification-settings', {
            ...mine,
            message: { sound: 'yes' },
          })
        ).status,
      ).toBe(400);

      // Another agent has their own marks.
      const colleague = await c.createAgent('agent');
      const other = new AgentClient(c.a.url);
      await other.login(colleague.email, colleague.password);
      expect(await unread(other)).toEqual([]);
      vs.close();
    });
  },
);
