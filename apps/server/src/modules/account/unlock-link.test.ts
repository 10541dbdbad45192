import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient } from '../../../test/clients';
import { startSmtp } from '../../../test/smtp';
import { LOCKOUT, accountKey } from '../auth';

let t: TestServer;
let smtp: Awaited<ReturnType<typeof startSmtp>>;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await startTestServer({
    logLevel: 'warn',
    env: {
      PARLEY_SMTP_HOST: '127.0.0.1',
      PARLEY_SMTP_PORT: String(smtp.port),
      PARLEY_SMTP_SECURITY: 'none',
      PARLEY_SMTP_FROM: 'Parley <parley@example.test>',
    },
  });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

/** Locks the account the way ten failed sign-ins do (PCI DSS 8.3.4). */
async function lock(agentId: string): Promise<void> {
  const now = Date.now();
  for (let i = 0; i < LOCKOUT.max; i++)
    await t.server.store.security.reserveAttempt(accountKey(agentId), now, LOCKOUT);
  await t.server.store.security.lock(accountKey(agentId), now + LOCKOUT.lockMs);
}
const ask = (email: string) =>
  fetch(`${t.url}/api/auth/unlock-link`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(t.url).origin },
    body: JSON.stringify({ email }),
  });
const use = (token: string) =>
  fetch(`${t.url}/api/auth/unlock-link/use`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(t.url).origin },
    body: JSON.stringify({ token }),
  });
const tokenIn = (text: string | undefined) => /unlock#token=([A-Za-z0-9_-]+)/.exec(text ?? '')?.[1];

describe('e-mailed unlock link (issue 10 item 2)', () => {
  it('says whether links are available (the same for every account)', async () => {
    const res = await fetch(`${t.url}/api/auth/unlock-link`);
    expect(await res.json()).toEqual({ available: true });
  });

  it('a locked agent gets a single-use link at their own address; it lifts the lock, audited and reported', async () => {
    const ada = await t.createAgent('agent');
    await lock(ada.id);
    const locked = await new AgentClient(t.url).login(ada.email, ada.password);
    expect(locked.status).toBe(423);

    const res = await ask(ada.email);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ ok: true });
    const before = smtp.received.length;
    await smtp.waitFor(before + 1);
    const mail = smtp.received[before];
    expect(mail?.to && 'text' in mail.to ? mail.to.text : '').toBe(ada.email);
    const token = tokenIn(mail?.text);
    expect(token).toBeDefined();
    // Only the token's hash is stored.
    const stored = await t.server.store.db.selectFrom('unlock_tokens').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token);

    // Asking again under the same lock sends nothing more.
    await ask(ada.email);
    await t.server.unlockLinks.settled();
    await t.server.mail.drain();

    expect((await use(token ?? '')).status).toBe(200);
    const ok = await new AgentClient(t.url).login(ada.email, ada.password);
    expect(ok.status).toBe(200);
    const again = await use(token ?? '');
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe(
      'unlock_link_invalid',
    );
    expect(
      smtp.received.filter((m) => m.to && 'text' in m.to && m.to.text === ada.email),
    ).toHaveLength(1);

    const events = await t.server.store.db
      .selectFrom('security_events')
      .select(['type', 'agent_id'])
      .where('type', '=', 'account_unlocked')
      .execute();
    expect(events.map((e) => e.agent_id)).toContain(ada.id);
    const audit = await t.server.store.db
      .selectFrom('audit_log')
      .select(['action', 'resource_id', 'detail'])
      .where('action', '=', 'agent.unlock')
      .execute();
    expect(audit.find((e) => e.resource_id === ada.id)?.detail).toContain('email_link');
  });

  it('answers the same for an unknown address and an unlocked account, and sends nothing', async () => {
    const bob = await t.createAgent('agent');
    const before = smtp.dataCommands;
    const a = await ask('nobody-here@parley.test');
    const b = await ask(bob.email);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(await a.json()).toEqual(await b.json());
    await t.server.unlockLinks.settled();
    await t.server.mail.drain();
    expect(smtp.dataCommands).toBe(before);
  });

  it('an expired link does not work', async () => {
    const cy = await t.createAgent('agent');
    await lock(cy.id);
    const before = smtp.received.length;
    await ask(cy.email);
    await smtp.waitFor(before + 1);
    const token = tokenIn(smtp.received[before]?.text) ?? '';
    await t.server.store.db
      .updateTable('unlock_tokens')
      .set({ expires_at: Date.now() - 1 })
      .where('agent_id', '=', cy.id)
      .execute();
    expect((await use(token)).status).toBe(400);
    expect((await new AgentClient(t.url).login(cy.email, cy.password)).status).toBe(423);
  });

  it('without SMTP the server says links are unavailable and the request still answers alike', async () => {
    const plain = await startTestServer({ logLevel: 'warn' });
    try {
      expect(await (await fetch(`${plain.url}/api/auth/unlock-link`)).json()).toEqual({
        available: false,
      });
      const res = await fetch(`${plain.url}/api/auth/unlock-link`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: new URL(plain.url).origin },
        body: JSON.stringify({ email: plain.admin.email }),
      });
      expect(res.status).toBe(202);
    } finally {
      await plain.close();
    }
  });
});
