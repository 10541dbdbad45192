// Issue 13 item 7: quotas and back-pressure, with a scanner that accepts a connection and never
// answers (a hung clamd). Scans are bounded by the queue; what does not fit is told "try again
// later" before its body is read; files wait as checking (fail closed); chat for others goes on.
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient, newVisitor } from '../../../test/clients';
import { putFile } from '../../../test/files-kit';
import { chatWithVisitor } from '../../../test/payment-flow';
import { startTestServer, type TestServer } from '../../../test/test-server';

/** A clamd that takes the INSTREAM and never says a word. */
async function silentClamd(socket: string): Promise<{ server: Server; conns: Set<Socket> }> {
  const conns = new Set<Socket>();
  const server = createServer((c) => {
    conns.add(c);
    c.on('data', () => undefined);
    c.on('error', () => undefined);
    c.on('close', () => conns.delete(c));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return { server, conns };
}

/** A PUT that sends its headers and holds its body back: the answer must not need the body. */
function headersOnly(url: string, path: string, token: string, length: number) {
  return new Promise<{ status: number; body: { error?: { code: string; message: string } } }>(
    (resolve, reject) => {
      const req = httpRequest(`${url}${path}`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/octet-stream',
          'content-length': String(length),
          'x-file-name': 'held.txt',
          'x-batch-id': 'batch-0001',
        },
      });
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as never });
        });
      });
      req.flushHeaders();
    },
  );
}

const SMALL = Buffer.from('a note of one hundred bytes'.padEnd(100, '.'));

describe('file limits with a clamd that never answers', () => {
  let dir: string;
  let clamd: Awaited<ReturnType<typeof silentClamd>>;
  let t: TestServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-silent-clamd-'));
    clamd = await silentClamd(join(dir, 'clamd.sock'));
    t = await startTestServer({
      logLevel: 'warn',
      env: {
        PARLEY_CLAMD_SOCKET: join(dir, 'clamd.sock'),
        PARLEY_FILES_SCAN_TIMEOUT_MS: '60000',
        PARLEY_FILES_OCR: 'off',
        PARLEY_FILES_WORKERS: '1',
        PARLEY_FILES_QUEUE_MAX: '4',
        PARLEY_FILES_PER_UPLOADER_PER_HOUR: '2',
        PARLEY_FILES_ORG_BYTES_PER_DAY: '3000',
      },
    });
  }, 60_000);
  afterAll(async () => {
    // Hang up on the scans and stop listening, so the node's queue drains when it closes.
    const closed = new Promise((r) => clamd?.server.close(r));
    for (const c of clamd?.conns ?? []) c.destroy();
    await closed;
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('per visitor per hour, per organisation per day, then a full queue answers files_busy before the body; files stay checking; chat is not slowed', async () => {
    const chat = await chatWithVisitor(t);
    const word = (n: number) => `hello ${'abcdefghijklmnopqrstuvwxyz'[n]}`;
    const roundTrip = async (n: number) => {
      const at = performance.now();
      chat.visitorWs.send({
        type: 'send',
        clientMsgId: `limits-${n}`,
        conversationId: chat.visitor.conversationId,
        text: word(n),
      });
      await chat.agentWs.next('message', (m) => m.text === word(n), 10_000);
      return performance.now() - at;
    };
    const before = [];
    for (let n = 0; n < 5; n++) before.push(await roundTrip(n));

    const up = async (v: { token: string; conversationId: string }, data = SMALL) =>
      putFile(
        t.url,
        `/conversations/${v.conversationId}/files`,
        { bearer: v.token },
        data,
        'n.txt',
      );
    const a = await newVisitor(t.url, t.orgKey);
    expect((await up(a)).status).toBe(201);
    expect((await up(a)).status).toBe(201);
    // Per visitor per hour (2 here): the third is refused, and says to come back later.
    const third = await up(a);
    expect(third.status).toBe(429);
    expect(third.body.error).toMatchObject({ code: 'file_quota_exceeded' });
    expect(third.body.error?.message).toMatch(/try again later/);

    // Per organisation per day (3,000 bytes here; 200 used): a 2,900-byte file is refused.
    const b = await newVisitor(t.url, t.orgKey);
    const big = await up(b, Buffer.alloc(2900, 'b'));
    expect(big.status).toBe(429);
    expect(big.body.error?.code).toBe('file_quota_exceeded');
    expect((await up(b)).status).toBe(201);
    const c = await newVisitor(t.url, t.orgKey);
    expect((await up(c)).status).toBe(201);

    // The queue (1 scanning, 3 waiting) is full: the next upload is told so from its headers alone.
    expect(t.server.files.queueSize()).toBe(4);
    const d = await newVisitor(t.url, t.orgKey);
    const busy = await headersOnly(
      t.url,
      `/api/visitor/conversations/${d.conversationId}/files/c-held-0001`,
      d.token,
      2000,
    );
    expect(busy.status).toBe(503);
    expect(busy.body.error).toMatchObject({ code: 'files_busy' });
    expect(busy.body.error?.message).toMatch(/try again later/);

    // Fail closed: nothing was scanned, so nothing is available or downloadable.
    const agent = new AgentClient(t.url);
    await agent.login(t.admin.email, t.admin.password);
    for (const v of [a, b, c]) {
      const list = (await (
        await agent.request('GET', `/api/conversations/${v.conversationId}/files`)
      ).json()) as { files: { id: string; status: string }[] };
      for (const f of list.files) {
        expect(f.status).toBe('checking');
        const link = await agent.request('GET', `/api/files/${f.id}/link`);
        expect(link.status).toBe(409);
      }
    }

    // Chat for others, while the scanner hangs and the queue is full.
    const during = [];
    for (let n = 5; n < 15; n++) during.push(await roundTrip(n));
    before.sort((x, y) => x - y);
    during.sort((x, y) => x - y);
    const median = (xs: number[]) => xs[Math.floor(xs.length / 2)] ?? Infinity;
    console.log(
      `chat round trip median before ${median(before).toFixed(1)} ms, with a hung scanner and a full queue ${median(during).toFixed(1)} ms`,
    );
    expect(median(during)).toBeLessThan(Math.max(200, median(before) * 4));
  }, 60_000);
});
