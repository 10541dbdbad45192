// Issue 12 item 2 through the real server: a sentence and a name sent in the chat reach the agent
// in clear but cannot be found by a byte search of the SQLite file and its WAL, nor in the logs.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, newVisitor, visitorSocket } from '../../../test/clients';

function storeBytes(dataDir: string): Buffer {
  const file = join(dataDir, 'parley.db');
  return Buffer.concat(
    [file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)),
  );
}

describe('encryption at rest through the real server (SQLite)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps no sentence or visitor name in the database file, its WAL or the logs', async () => {
    // Letters only: digits glued to letters are held by the masker (a possible piece of a card).
    const tag = randomBytes(6)
      .toString('hex')
      .replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)] ?? 'g');
    const name = `Wilhelmina ${tag}`;
    const sentences = [
      `please send the invoice to the harbour office ${tag}`,
      `my neighbour collects the parcel on tuesday ${tag}`,
    ];
    const agent = new AgentClient(t.url);
    await agent.login(t.admin.email, t.admin.password);
    const v = await newVisitor(t.url, t.orgKey, name);
    await agent.request('POST', `/api/conversations/${v.conversationId}/accept`);
    const as = await agent.socket();
    await as.next('ready');
    await as.resume(v.conversationId);
    const vs = await visitorSocket(t.url, v.token);
    for (const [i, text] of sentences.entries()) {
      vs.send({ type: 'send', clientMsgId: `m${i}`, conversationId: v.conversationId, text });
      await vs.next('ack', (f) => f.clientMsgId === `m${i}`);
      // The agent reads it in clear: sealing is invisible to clients.
      const got = await as.next('message', (f) => f.text === text);
      expect(got.sender.name).toBe(name);
    }
    const history = await t.server.store.messages.after(t.orgId, v.conversationId, 0, 100);
    expect(history.map((m) => m.text)).toEqual(expect.arrayContaining(sentences));

    const bytes = storeBytes(t.dataDir);
    expect(bytes.length).toBeGreaterThan(0);
    for (const needle of [...sentences, name, tag]) {
      expect(bytes.includes(Buffer.from(needle, 'utf8'))).toBe(false);
      expect(bytes.includes(Buffer.from(needle, 'utf16le'))).toBe(false);
    }
    expect(t.logs.join('')).not.toContain(tag);
    // The key-encryption key is in its own file, never in the database.
    const kek = readFileSync(join(t.dataDir, 'data.key'), 'utf8').trim();
    expect(bytes.includes(Buffer.from(kek))).toBe(false);
    expect(bytes.includes(Buffer.from(kek, 'base64url'))).toBe(false);
  });
});
