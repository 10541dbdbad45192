import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HOLD_WINDOW } from '@parley/masking';
import { loadConfig } from '../config';
import { startServer } from '../main';
import { bootstrapTestOrg } from '../../test/bootstrap';
import { storeTargets } from '../../test/store-fixtures';
import { CLUSTER_KEYS } from '../../test/limits';
import { AgentClient, newVisitor, visitorSocket } from '../../test/clients';

const redisUrl = process.env.REDIS_URL;
// PostgreSQL when configured (as in production), else two nodes on one SQLite file.
const target =
  storeTargets().find((t) => t.name === 'postgres' && t.skipReason === undefined) ??
  storeTargets()[0]!;

/** Two server nodes on their own stores of one database and one Redis, serving one organisation. */
async function twoNodes() {
  const [storeA, storeB] = await target.createNodes(2);
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  const node = (store: typeof storeA) =>
    startServer(
      loadConfig(
        { ...CLUSTER_KEYS, REDIS_URL: redisUrl!, PARLEY_LOG_LEVEL: 'warn' },
        { dataDir: mkdtempSync(join(tmpdir(), 'parley-node-')), port: 0 },
      ),
      { store: store!, logDestination: quiet },
    );
  const a = await node(storeA);
  const b = await node(storeB);
  const close = async () => {
    await a.close();
    await b.close();
    await storeA!.close();
    await storeB!.close();
  };
  try {
    // MFA is not what these tests are about (security tests cover it): password-only sign-in.
    const { org, admin } = await bootstrapTestOrg(a.store, { publicOrigin: new URL(a.url).origin });
    // Node B serves the same organisation; allow its origin as well.
    await a.store.orgs.update(org.id, {
      allowedOrigins: [...org.allowedOrigins, new URL(b.url).origin],
    });
    return { a, b, org, admin, close };
  } catch (err) {
    await close();
    throw err;
  }
}

describe.skipIf(!redisUrl)(
  redisUrl
    ? `two server nodes over the Redis bus (${target.name})`
    : 'two server nodes over the Redis bus (skipped: REDIS_URL not set)',
  () => {
    it('delivers messages between a visitor on one node and an agent on the other, and resumes across nodes', async () => {
      const { a, b, org, admin, close } = await twoNodes();
      try {
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
            text: `visitor ${'abcdefghijklmnopqrstu'[i]}`,
          });
        }
        as.send({
          type: 'send',
          clientMsgId: 'a1',
          conversationId: v.conversationId,
          text: 'agent here',
        });
        await as.next('message', (m) => m.text === 'visitor u');
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
        await close();
      }
    });

    it('decides held pieces of a split card alike on both nodes, and releases them where they were held', async () => {
      const { a, b, org, admin, close } = await twoNodes();
      try {
        const v = await newVisitor(a.url, org.key);
        const agent = new AgentClient(b.url);
        await agent.login(admin.email, admin.password);
        await agent.request('POST', `/api/conversations/${v.conversationId}/accept`);
        const as = await agent.socket();
        await as.next('ready');
        await as.resume(v.conversationId);
        const send = async (
          s: Awaited<ReturnType<typeof visitorSocket>>,
          id: string,
          text: string,
        ) => {
          s.send({ type: 'send', clientMsgId: id, conversationId: v.conversationId, text });
          return s.next('ack', (f) => f.clientMsgId === id);
        };
        // An order number and the first piece of a card on node A…
        const onA = await visitorSocket(a.url, v.token);
        const order = await send(onA, 'o1', 'order 12345678');
        await send(onA, 'p1', '6011 0009');
        onA.cut();
        // …the rest of the card on node B: B decides it from the stored state.
        const onB = await visitorSocket(b.url, v.token);
        const rest = await send(onB, 'p2', '9013 9424');
        const last = await as.next('message', (f) => f.seq === rest.seq);
        expect(last.masked).toContain('pan');
        for (let i = 0; i < HOLD_WINDOW; i++) await send(onB, `ok${i}`, 'ok');
        // B released the order number; A, which held its text, shows it again.
        const shown = await as.next('redact', (f) => f.seq === order.seq, 10_000);
        expect(shown.text).toBe('order 12345678');
        const texts = as.frames.flatMap((f) =>
          (f.type === 'message' || f.type === 'redact') && f.seq !== order.seq ? [f.text] : [],
        );
        for (const text of texts) expect(text).not.toMatch(/\d/);
        onB.close();
        as.close();
      } finally {
        await close();
      }
    });
    it('a block on one node closes the visitor’s sockets on both at once and refuses its token on both (issue 11 item 4)', async () => {
      const { a, b, org, admin, close } = await twoNodes();
      try {
        await a.blocks.ready();
        await b.blocks.ready();
        const v = await newVisitor(a.url, org.key);
        const bystander = await newVisitor(b.url, org.key);
        const onA = await visitorSocket(a.url, v.token);
        const onB = await visitorSocket(b.url, v.token);
        const other = await visitorSocket(b.url, bystander.token);
        // Both nodes have looked up the organisation's blocks (none) and cached the answer.
        for (const node of [a, b])
          expect(
            (
              await fetch(`${node.url}/api/visitor/conversations`, {
                headers: { authorization: `Bearer ${v.token}` },
              })
            ).status,
          ).toBe(200);
        const agent = new AgentClient(a.url);
        expect((await agent.login(admin.email, admin.password)).status).toBe(200);
        const res = await agent.request('POST', `/api/conversations/${v.conversationId}/block`, {
          kind: 'visitor',
          reason: 'spam',
        });
        expect(res.status).toBe(201);
        expect(await onA.closed).toBe(4403);
        expect(await onB.closed).toBe(4403);
        expect(onB.closeReason).toBe('chat_unavailable');
        for (const node of [a, b]) {
          const refused = await fetch(`${node.url}/api/visitor/conversations`, {
            headers: { authorization: `Bearer ${v.token}` },
          });
          expect(refused.status).toBe(403);
        }
        expect(other.closeCode).toBeUndefined();
        other.close();
      } finally {
        await close();
      }
    });
  },
);
