import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { startTestServer, type TestServer } from '../../../test/test-server';

/**
 * Proof of work on visitor sessions (issue 11 item 3): `always` asks every
 * session for a solved ALTCHA challenge, a solution is spent once, a sign-in
 * challenge does not pass for a visitor one; `auto` asks only above the
 * sessions-per-minute threshold. Solve time at the default difficulty is
 * printed (figures in docs/widget.md "Proof of work").
 */
async function solved(url: string, path = '/api/visitor/challenge'): Promise<string> {
  const challenge = (await (await fetch(`${url}${path}`)).json()) as Challenge;
  const solution = await solveChallenge({ challenge, deriveKey });
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}
const session = (url: string, orgKey: string, altcha?: string) =>
  fetch(`${url}/api/visitor/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orgKey, ...(altcha ? { altcha } : {}) }),
  });
const code = async (res: Response) =>
  ((await res.json()) as { error?: { code: string } }).error?.code;

describe('proof of work on visitor sessions: always', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ logLevel: 'warn', env: { PARLEY_VISITOR_POW: 'always' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a session without a solution (428), accepts a solved one once, refuses a replay and a sign-in challenge', async () => {
    const none = await session(t.url, t.orgKey);
    expect(none.status).toBe(428);
    expect(await code(none)).toBe('visitor_challenge_required');
    const altcha = await solved(t.url);
    expect((await session(t.url, t.orgKey, altcha)).status).toBe(200);
    expect((await session(t.url, t.orgKey, altcha)).status).toBe(428);
    const signIn = await solved(t.url, '/api/auth/challenge');
    expect((await session(t.url, t.orgKey, signIn)).status).toBe(428);
    expect((await session(t.url, t.orgKey, 'bm90IGpzb24=')).status).toBe(428);
  });
});

describe('proof of work on visitor sessions: auto', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      logLevel: 'warn',
      env: { PARLEY_VISITOR_POW: 'auto', PARLEY_VISITOR_POW_SESSIONS_PER_MINUTE: '5' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('asks only once the organisation is above the threshold', async () => {
    for (let i = 0; i < 5; i++) expect((await session(t.url, t.orgKey)).status).toBe(200);
    expect((await session(t.url, t.orgKey)).status).toBe(428);
    expect((await session(t.url, t.orgKey, await solved(t.url))).status).toBe(200);
  });
});

describe('proof of work on visitor sessions: off', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ logLevel: 'warn', env: { PARLEY_VISITOR_POW: 'off' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('hands out no visitor challenge, so the frame prepares none', async () => {
    const res = await fetch(`${t.url}/api/visitor/challenge`);
    expect(res.status).toBe(404);
    expect(await code(res)).toBe('not_found');
    expect((await session(t.url, t.orgKey)).status).toBe(200);
  });
});

describe('proof of work solve time (production difficulty)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ logLevel: 'warn', env: { PARLEY_POW_DIFFICULTY: '4' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('solves in well under a second on average here (Node, one core)', async () => {
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const start = performance.now();
      await solved(t.url);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[5]!;
    console.log(
      `visitor proof of work, difficulty 4: median ${median.toFixed(0)} ms, max ${times[9]!.toFixed(0)} ms`,
    );
    expect(median).toBeLessThan(1000);
  });
});
