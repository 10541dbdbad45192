import { afterAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { newVisitor, visitorSocket } from '../clients';
import { recordFigure } from './figures';
import { waitFor } from './kit';
import { startParley, type ParleyStart } from './parley-start';

// The suite's range: the server and, next door, its embedded vault.
const PORT = 19280;

const BASE = `http://127.0.0.1:${PORT}`;

interface LogLine {
  msg?: string;
  name?: string;
  childPid?: number;
  code?: number | null;
  delayMs?: number;
}

describe('fault: an error escapes every handler under `parley start`', () => {
  let parley: ParleyStart<LogLine> | undefined;

  afterAll(async () => {
    await parley?.stop();
  });

  it('drains (sockets closed with the retryable 1001), exits 70, and the supervisor starts a serving node again without anyone', async () => {
    parley = startParley<LogLine>({
      port: PORT,
      prefix: 'parley-restart-',
      imports: [resolve(import.meta.dirname, 'escape-on-signal.mjs')],
    });
    const { lines } = parley;
    const started = () =>
      lines.filter((l) => l.name === 'parley-supervisor' && l.msg === 'server process started');
    const healthy = async () => (await fetch(`${BASE}/healthz`)).status === 200;

    const first = (await waitFor('the first server process', () => started()[0], 60_000)).childPid;
    await waitFor('the first node to serve', healthy, 60_000);
    const orgKey = await waitFor(
      'the organisation key',
      () => /\?org=([\w-]+)/.exec(parley?.stdout() ?? '')?.[1],
    );

    const v = await newVisitor(BASE, orgKey);
    const before = await visitorSocket(BASE, v.token);
    await before.resume(v.conversationId);
    before.send({
      type: 'send',
      clientMsgId: 'r1',
      conversationId: v.conversationId,
      text: 'hello',
    });
    expect((await before.next('ack', (f) => f.clientMsgId === 'r1')).seq).toBe(1);

    const t0 = performance.now();
    process.kill(first ?? 0, 'SIGUSR2');
    // The drain closes sockets with server_shutting_down: 1001, which clients retry.
    expect(await before.closed).toBe(1001);
    const restart = await waitFor('the supervisor to restart', () =>
      lines.find((l) => l.msg === 'server process ended; restarting'),
    );
    expect(restart.code).toBe(70);
    const second = (await waitFor('a second server process', () => started()[1], 60_000)).childPid;
    expect(second).not.toBe(first);
    await waitFor('the restarted node to serve', healthy, 60_000);
    const restartedMs = performance.now() - t0;

    // The same visitor carries on: resume after what it saw, send, get the next seq.
    const after = await visitorSocket(BASE, v.token);
    await after.resume(v.conversationId, 1);
    after.send({
      type: 'send',
      clientMsgId: 'r2',
      conversationId: v.conversationId,
      text: 'again',
    });
    expect((await after.next('ack', (f) => f.clientMsgId === 'r2', 15_000)).seq).toBe(2);
    after.close();
    recordFigure('restart', { restartedMs: Math.round(restartedMs), backoffMs: restart.delayMs });
  });
});
