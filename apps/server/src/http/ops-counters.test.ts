import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClamd, EICAR, type TestClamd } from '../../test/clamd';
import { TestSocket, newVisitor, visitorSocket } from '../../test/clients';
import { putFile, fileFrame } from '../../test/files-kit';
import { chatWithVisitor } from '../../test/payment-flow';
import { startTestServer, type TestServer } from '../../test/test-server';
import { LIMITS } from '@parley/protocol';

/** The value of one sample line of the exposition, 0 when the series has not been seen. */
function sample(body: string, line: string): number {
  const found = body.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? 0 : Number(found.split(' ').pop());
}

const PER_MINUTE = 40;

describe('parley_rate_limited_total and parley_file_scan_results_total', () => {
  let clamd: TestClamd;
  let srv: TestServer;
  const scrape = async () => (await fetch(`${srv.url}/metrics`)).text();
  beforeAll(async () => {
    clamd = await startClamd();
    srv = await startTestServer({
      logLevel: 'warn',
      env: {
        PARLEY_TRUST_PROXY: '1',
        PARLEY_RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
        PARLEY_CLAMD_SOCKET: clamd.socket,
        PARLEY_FILES_RETRY_SECONDS: '0.2',
        PARLEY_FILES_SCAN_TIMEOUT_MS: '3000',
      },
    });
  }, 60_000);
  afterAll(async () => {
    await srv?.close();
    await clamd?.close();
  });

  it('counts HTTP refusals under scope "http", one per refused request', async () => {
    const before = sample(await scrape(), 'parley_rate_limited_total{scope="http"}');
    // One address of its own (trusted hop), so the rest of the suite keeps its budget.
    const from = { 'x-forwarded-for': '203.0.113.41' };
    const statuses: number[] = [];
    for (let i = 0; i < PER_MINUTE + 3; i++)
      statuses.push((await fetch(`${srv.url}/api/widget/config`, { headers: from })).status);
    const refused = statuses.filter((s) => s === 429).length;
    expect(refused).toBe(3);
    expect(sample(await scrape(), 'parley_rate_limited_total{scope="http"}') - before).toBe(3);
  });

  it('counts a WebSocket frame flood under "ws_frame" and refused upgrades under "ws_upgrade"', async () => {
    const v = await newVisitor(srv.url, srv.orgKey);
    const flood = await visitorSocket(srv.url, v.token);
    for (let i = 0; i < LIMITS.rateBurst + 20; i++) flood.send({ type: 'ping' });
    expect(await flood.closed).toBe(4029);
    expect(sample(await scrape(), 'parley_rate_limited_total{scope="ws_frame"}')).toBe(1);

    const headers = { origin: srv.url, 'x-forwarded-for': '203.0.113.42' };
    let refusals = 0;
    for (let i = 0; i < PER_MINUTE + 2; i++) {
      try {
        const s = await TestSocket.open(`${srv.wsUrl}/ws/visitor`, headers);
        s.close();
        await s.closed;
      } catch (err) {
        expect(String(err)).toContain('429');
        refusals++;
      }
    }
    expect(refusals).toBe(2);
    expect(sample(await scrape(), 'parley_rate_limited_total{scope="ws_upgrade"}')).toBe(2);
  });

  it('counts scan verdicts by result, never the signature or the file name', async () => {
    const { visitor, agentWs } = await chatWithVisitor(srv);
    const path = `/conversations/${visitor.conversationId}/files`;
    const clean = await putFile(
      srv.url,
      path,
      { bearer: visitor.token },
      Buffer.from('hello'),
      'notes-ok.txt',
    );
    await fileFrame(agentWs, clean.body.file!.id, 'available');
    const bad = await putFile(srv.url, path, { bearer: visitor.token }, EICAR, 'eicar-probe.txt');
    await fileFrame(agentWs, bad.body.file!.id, 'blocked');
    let body = await scrape();
    expect(sample(body, 'parley_file_scan_results_total{result="clean"}')).toBe(1);
    expect(sample(body, 'parley_file_scan_results_total{result="infected"}')).toBe(1);
    expect(body).not.toMatch(/EICAR|eicar-probe|notes-ok/i);

    // clamd down: the file stays checking and each failed attempt counts as an error.
    await clamd.stop();
    const held = await putFile(
      srv.url,
      path,
      { bearer: visitor.token },
      Buffer.from('later'),
      'later.txt',
    );
    await expect
      .poll(async () => sample(await scrape(), 'parley_file_scan_results_total{result="error"}'), {
        timeout: 15_000,
      })
      .toBeGreaterThanOrEqual(1);
    await clamd.start();
    await fileFrame(agentWs, held.body.file!.id, 'available');
    body = await scrape();
    expect(sample(body, 'parley_file_scan_results_total{result="clean"}')).toBe(2);
  }, 60_000);
});
