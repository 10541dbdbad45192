// Issue 12 item 2: `parley keys rotate` rewraps every data key under a new key-encryption key while
// a server keeps reading and writing; afterwards nothing needs the old key; an interrupted pass is
// finished by the next one. Both dialects.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kekId, type Store } from '../store';
import { storeTargets, suiteName } from '../../test/store-fixtures';
import { startTestServer, type TestServer } from '../../test/test-server';
import { AgentClient, newVisitor, visitorSocket } from '../../test/clients';
import { progressPrinter, rotateDataKeys } from './keys-commands';

const words = (n: number) =>
  `the blue parcel number ${'abcdefghij'
    .split('')
    .map((c, i) => ((n >> i) & 1 ? c.toUpperCase() : c))
    .join('')}`;

async function chat(t: TestServer, text: string) {
  const v = await newVisitor(t.url, t.orgKey, 'Kim Keys');
  const vs = await visitorSocket(t.url, v.token);
  vs.send({ type: 'send', clientMsgId: 'm1', conversationId: v.conversationId, text });
  await vs.next('ack', (f) => f.clientMsgId === 'm1');
  vs.close();
  return v;
}

function collector(isTTY = false) {
  let text = '';
  return {
    isTTY,
    write(s: string) {
      text += s;
    },
    get text() {
      return text;
    },
  };
}

describe('the progress printer', () => {
  it('redraws a bar in place on a terminal, writes lines otherwise', () => {
    const tty = collector(true);
    progressPrinter(tty)(5, 10);
    expect(tty.text).toBe(`\r[${'#'.repeat(15)}${'-'.repeat(15)}] 50% 5/10 data keys`);
    const pipe = collector(false);
    progressPrinter(pipe)(10, 10);
    expect(pipe.text).toBe('rewrapped 10/10 data keys (100%)\n');
  });
});

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'parley keys rotate'), () => {
    const oldKek = randomBytes(32);
    const newKek = randomBytes(32);
    let server: Store;
    let cli: Store;
    let fresh: Store;
    let t: TestServer;
    beforeAll(async () => {
      [server, cli, fresh] = (await target.createNodes(3)) as [Store, Store, Store];
      t = await startTestServer({
        store: server,
        logLevel: 'warn',
        env: { PARLEY_DATA_KEY: oldKek.toString('base64url') },
      });
    });
    afterAll(async () => {
      await t.close();
      await server.close();
      await cli.close();
      await fresh.close();
    });

    it('rewraps every data key while the server chats on; afterwards only the new key is needed', async () => {
      const texts = new Map<string, string>();
      for (let i = 0; i < 12; i++) {
        const v = await chat(t, words(i));
        texts.set(v.conversationId, words(i));
      }
      const usage = await cli.dataKeys.kekUsage();
      expect(usage.map((u) => u.kekId)).toEqual([kekId(oldKek)]);
      const keys = usage[0]?.keys ?? 0;
      expect(keys).toBeGreaterThanOrEqual(12);

      // Every node now runs with PARLEY_DATA_KEY=new and PARLEY_DATA_KEY_PREVIOUS=old (the
      // rolling restart of docs/configuration.md "Keys"); the command gets the same two keys.
      server.dataKeys.useKeks([newKek, oldKek]);
      cli.dataKeys.useKeks([newKek, oldKek]);

      // An interrupted pass (the process killed after its first batch) leaves a part done.
      await expect(
        cli.dataKeys.rewrapAll(
          () => {
            throw new Error('killed');
          },
          { batchSize: 5 },
        ),
      ).rejects.toThrow('killed');
      const partial = await cli.dataKeys.kekUsage();
      expect(partial.find((u) => u.kekId === kekId(newKek))?.keys).toBe(5);

      // The rotation runs while visitors start chats (new keys) and agents read the old ones.
      const admin = new AgentClient(t.url);
      await admin.login(t.admin.email, t.admin.password);
      const out = collector(false);
      let rotating = true;
      const rotation = rotateDataKeys(cli, out, { batchSize: 3 }).finally(() => {
        rotating = false;
      });
      let during = 0;
      let reads = 0;
      const [conversationId, text] = [...texts.entries()][0] ?? ['', ''];
      while (rotating || during < 3) {
        const v = await chat(t, words(100 + during));
        texts.set(v.conversationId, words(100 + during));
        during += 1;
        const res = await admin.request('GET', `/api/conversations/${conversationId}/messages`);
        expect(res.status).toBe(200);
        const body = (await res.json()) as { messages: { text: string }[] };
        expect(body.messages.map((m) => m.text)).toContain(text);
        reads += 1;
      }
      const r = await rotation;
      expect(r.exitCode).toBe(0);
      expect(r.rewrapped).toBe(keys - 5);
      expect(out.text).toMatch(/rewrapped \d+\/\d+ data keys/);
      expect(out.text).toMatch(/remove PARLEY_DATA_KEY_PREVIOUS/);
      expect(reads).toBeGreaterThanOrEqual(3);

      // Nothing needs the old key: a node that holds only the new one opens every message.
      expect((await cli.dataKeys.kekUsage()).map((u) => u.kekId)).toEqual([kekId(newKek)]);
      fresh.dataKeys.useKeks([newKek]);
      const rows = await fresh.db
        .selectFrom('messages')
        .select(['conversation_id', 'text'])
        .where('org_id', '=', t.orgId)
        .execute();
      expect(rows).toHaveLength(texts.size);
      const opened = await fresh.dataKeys.openMany(rows.map((m) => m.text));
      expect(opened).toEqual(rows.map((m) => texts.get(m.conversation_id)));

      // A second run finds nothing left to do.
      const again = await rotateDataKeys(cli, collector(false));
      expect(again).toEqual({ rewrapped: 0, exitCode: 0 });
    });

    it('names keys under a key-encryption key it was not given, and exits 1', async () => {
      const lost = randomBytes(32);
      fresh.dataKeys.useKeks([lost]);
      await fresh.dataKeys.sealMany([
        { owner: { orgId: t.orgId, kind: 'visitor', id: 'lost-key-visitor' }, plain: 'x' },
      ]);
      const out = collector(false);
      const r = await rotateDataKeys(cli, out);
      expect(r.exitCode).toBe(1);
      expect(out.text).toContain(`under key ${kekId(lost)}, which this command was not given: 1`);
    });
  });
}
