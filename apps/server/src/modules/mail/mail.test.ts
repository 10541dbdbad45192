import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../store';
import { seedAgent, seedOrg, storeTargets, suiteName } from '../../../test/store-fixtures';
import { startSmtp } from '../../../test/smtp';
import { bindKeyring, loadKeyring } from '../security';
import { createMailService, createSmtpTransport } from './index';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'mail queue'), () => {
    let store: Store;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    let orgId: string;
    let agent: { id: string; email: string; name: string };

    beforeEach(async () => {
      store = await target.create();
      bindKeyring(store, loadKeyring({ dataDir: mkdtempSync(join(tmpdir(), 'parley-mail-')) }));
      smtp = await startSmtp();
      orgId = (await seedOrg(store)).id;
      agent = await seedAgent(store, orgId, 'agent', 'Ada Agent');
    });
    afterEach(async () => {
      await smtp.close();
      await store.close();
    });

    const service = (opts: { nodeId?: string; timeoutMs?: number; maxAttempts?: number } = {}) =>
      createMailService({
        store,
        log: quiet,
        transport: createSmtpTransport({
          smtpHost: '127.0.0.1',
          smtpPort: smtp.port,
          smtpSecurity: 'none',
          smtpUser: undefined,
          smtpPassword: undefined,
          smtpFrom: 'Parley <parley@example.test>',
          smtpTimeoutMs: opts.timeoutMs ?? 2_000,
        }),
        from: 'Parley <parley@example.test>',
        maxAttempts: opts.maxAttempts ?? 3,
        sendDeadlineMs: (opts.timeoutMs ?? 2_000) * 3,
        retryBaseMs: 0,
        ...(opts.nodeId ? { nodeId: opts.nodeId } : {}),
      });
    const unlockMail = (key = 'k1') => ({
      orgId,
      to: agent.email,
      template: 'unlock_link' as const,
      data: {
        agentId: agent.id,
        name: agent.name,
        organisation: 'Acme',
        link: 'https://parley.example/unlock#token=abcdefghijklmnopqrstuvwxyz',
        expiresMinutes: 30,
      },
      idempotencyKey: key,
    });

    it('delivers plain text and HTML over real SMTP, then marks it sent and drops its data', async () => {
      const mail = service();
      const { id } = await mail.enqueue(unlockMail());
      await mail.drain();
      await smtp.waitFor(1);
      const m = smtp.received[0];
      expect(m?.subject).toBe('Unlock your Parley sign-in');
      expect(m?.to && 'text' in m.to ? m.to.text : '').toBe(agent.email);
      expect(m?.text).toContain('https://parley.example/unlock#token=abcdefghijklmnopqrstuvwxyz');
      expect(m?.text).toContain('Hello Ada Agent');
      expect(m?.html).toContain('<a href="https://parley.example/unlock#token=');
      expect(m?.headers.get('auto-submitted')).toBe('auto-generated');
      expect(m?.messageId).toBe(`<${id}@example.test>`);
      const row = await store.mail.byId(id);
      expect(row).toMatchObject({ status: 'sent', attempts: 1, data: '' });
      expect((await store.mail.attempts(id)).map((a) => a.outcome)).toEqual(['sent']);
      await mail.stop();
    });

    it('stores the data sealed, never the link in clear', async () => {
      const mail = createMailService({
        store,
        log: quiet,
        transport: { send: () => new Promise(() => undefined), close: () => undefined },
        from: 'parley@example.test',
        maxAttempts: 3,
        sendDeadlineMs: 1000,
      });
      const { id } = await mail.enqueue(unlockMail());
      const row = await store.mail.byId(id);
      expect(row?.data).toMatch(/^enc:v1:/);
      expect(row?.data).not.toContain('abcdefghijklmnopqrstuvwxyz');
      await mail.stop();
    });

    it('sends once per idempotency key', async () => {
      const mail = service();
      const a = await mail.enqueue(unlockMail('same'));
      const b = await mail.enqueue(unlockMail('same'));
      expect(b).toEqual({ id: a.id, duplicate: true });
      await mail.drain();
      await smtp.waitFor(1);
      await mail.drain();
      expect(smtp.dataCommands).toBe(1);
      await mail.stop();
    });

    it('refuses an owner-only template to anyone but the owner', async () => {
      const mail = service();
      await expect(
        mail.enqueue({ ...unlockMail(), to: 'someone-else@example.test' }),
      ).rejects.toThrow(/only to its owner/);
      await mail.stop();
    });

    it('records every refused attempt (5xx), retries with back-off, and gives up after the last', async () => {
      smtp.set('refuse');
      const mail = service({ maxAttempts: 3 });
      const { id } = await mail.enqueue(unlockMail());
      await mail.drain();
      const attempts = await store.mail.attempts(id);
      expect(attempts.map((a) => a.outcome)).toEqual(['retry', 'retry', 'failed']);
      expect(attempts[0]?.error).toMatch(/^smtp 554: /);
      expect(await store.mail.byId(id)).toMatchObject({ status: 'failed', attempts: 3, data: '' });
      expect(smtp.received).toHaveLength(0);
      await mail.stop();
    });

    it('a server that never answers DATA times out; the retry is recorded and the next attempt delivers', async () => {
      smtp.set('hang');
      const mail = service({ timeoutMs: 300, maxAttempts: 3 });
      const { id } = await mail.enqueue(unlockMail());
      // First attempt hangs until the socket deadline; the back-off is 0 in this test, so
      // the same drain retries at once: let the server answer from the second attempt on.
      const firstHang = new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (smtp.dataCommands >= 1) {
            clearInterval(check);
            smtp.set('accept');
            resolve();
          }
        }, 10);
      });
      const drained = mail.drain();
      await firstHang;
      await drained;
      await smtp.waitFor(1);
      const attempts = await store.mail.attempts(id);
      expect(attempts[0]?.outcome).toBe('retry');
      expect(attempts[0]?.error).toMatch(/time/i);
      expect(attempts.at(-1)?.outcome).toBe('sent');
      expect((await store.mail.byId(id))?.status).toBe('sent');
      await mail.stop();
    });

    it('a restarted node sends nothing twice; a dead node’s lease is taken over only when it runs out', async () => {
      const first = service({ nodeId: 'node-a' });
      await first.enqueue(unlockMail('sent-before-restart'));
      await first.drain();
      await smtp.waitFor(1);
      await first.stop();
      // A node that died mid-send holds a lease on another e-mail.
      await store.mail.enqueue({
        orgId,
        idempotencyKey: 'claimed-by-dead-node',
        to: agent.email,
        template: 'unlock_link',
        data: (await store.mail.byKey('sent-before-restart'))?.data ?? '',
        now: Date.now(),
      });
      const claimed = await store.mail.claim('node-dead', Date.now(), 60_000);
      expect(claimed?.idempotencyKey).toBe('claimed-by-dead-node');

      const restarted = service({ nodeId: 'node-b' });
      expect(await restarted.drain()).toBe(0);
      expect(smtp.dataCommands).toBe(1);
      // Only the lease running out lets another node send it (at least once, docs/email.md).
      expect(await store.mail.claim('node-b', Date.now() + 60_001, 60_000)).toMatchObject({
        idempotencyKey: 'claimed-by-dead-node',
        attempts: 2,
      });
      await restarted.stop();
    });

    it('twelve concurrent claims from two nodes take each of six e-mails exactly once', async () => {
      const a = service({ nodeId: 'a' });
      const b = service({ nodeId: 'b' });
      for (let i = 0; i < 6; i++)
        await store.mail.enqueue({
          orgId,
          idempotencyKey: `n${i}`,
          to: agent.email,
          template: 'unlock_link',
          data: '',
          now: Date.now(),
        });
      const claims = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          store.mail.claim(i % 2 ? 'a' : 'b', Date.now(), 60_000),
        ),
      );
      const ids = claims.filter((c) => c !== undefined).map((c) => c.id);
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(6);
      await a.stop();
      await b.stop();
    });
  });
}
