// Issue 12 item 1: pre-chat consent, on both dialects through the real server.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTargets, suiteName } from '../../../test/store-fixtures';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, visitorSocket } from '../../../test/clients';
import { DEFAULT_CONSENT_TEXT } from './index';

async function session(t: TestServer, name = 'Vera') {
  const res = await fetch(`${t.url}/api/visitor/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orgKey: t.orgKey, name }),
  });
  return (await res.json()) as { token: string; visitorId: string };
}

async function start(t: TestServer, token: string, body: unknown) {
  const res = await fetch(`${t.url}/api/visitor/conversations`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'user-agent': 'consent-test',
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function widgetConsent(t: TestServer) {
  const res = await fetch(`${t.url}/api/widget/config?org=${t.orgKey}`);
  return ((await res.json()) as { consent: { required: boolean; version: number; text: string } })
    .consent;
}

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'consent'), () => {
    let t: TestServer;
    let admin: AgentClient;
    beforeAll(async () => {
      const store = await target.create();
      t = await startTestServer({ store, consentRequired: true, logLevel: 'warn' });
      admin = new AgentClient(t.url);
      await admin.login(t.admin.email, t.admin.password);
    });
    afterAll(async () => {
      await t.close();
      await t.server.store.close();
    });

    it('is required by default with the built-in notice: no conversation starts without it', async () => {
      const c = await widgetConsent(t);
      expect(c).toEqual({
        required: true,
        version: 1,
        text: DEFAULT_CONSENT_TEXT,
        privacyUrl: null,
      });
      const v = await session(t);
      const refused = await start(t, v.token, {});
      expect(refused.status).toBe(403);
      expect((refused.body.error as { code: string }).code).toBe('consent_required');
      expect(await t.server.store.conversations.listForVisitor(t.orgId, v.visitorId)).toEqual([]);

      const stale = await start(t, v.token, { consent: { version: 7 } });
      expect((stale.body.error as { code: string }).code).toBe('consent_outdated');

      const ok = await start(t, v.token, { consent: { version: 1 } });
      expect(ok.status).toBe(200);
      const row = await t.server.store.consent.forConversation(t.orgId, ok.body.id as string);
      expect(row).toMatchObject({ visitorId: v.visitorId, version: 1, withdrawnAt: null });
      // The evidence is sealed under the visitor's data key, never in clear.
      expect(row?.evidence.startsWith('dk1.')).toBe(true);
      expect(row?.evidence).not.toContain('consent-test');
      const [opened] = await t.server.store.dataKeys.openMany([row?.evidence ?? null]);
      expect(JSON.parse(opened ?? '{}')).toMatchObject({ version: 1, userAgent: 'consent-test' });

      // The agent sees it, with the text of its version.
      const seen = await admin.request('GET', `/api/conversations/${ok.body.id as string}/consent`);
      expect(((await seen.json()) as { consent: unknown }).consent).toMatchObject({
        version: 1,
        text: DEFAULT_CONSENT_TEXT,
        withdrawnAt: null,
      });
      const [entry] = await t.server.store.audit.list(t.orgId, {
        action: 'consent.give',
        limit: 1,
      });
      expect(entry?.resourceId).toBe(ok.body.id);
    });

    it('a new text makes a new version; past consents keep theirs; the same text makes none', async () => {
      const v = await session(t);
      const first = await start(t, v.token, {
        consent: { version: (await widgetConsent(t)).version },
      });
      const before = await t.server.store.consent.forConversation(t.orgId, first.body.id as string);
      const text = `We keep this chat to help you (${randomBytes(3).toString('hex')}).`;
      const put = await admin.request('PUT', '/api/settings/consent', {
        required: true,
        text,
        privacyUrl: 'https://shop.example/privacy',
        onWithdrawal: 'erase',
      });
      expect(put.status).toBe(200);
      const saved = (await put.json()) as { version: number; versions: { version: number }[] };
      expect(saved.version).toBe((before?.version ?? 0) + 1);
      expect(saved.versions.map((x) => x.version)).toEqual([saved.version, before?.version]);
      const again = (await (
        await admin.request('PUT', '/api/settings/consent', {
          required: true,
          text,
          privacyUrl: 'https://shop.example/privacy',
          onWithdrawal: 'close',
        })
      ).json()) as { version: number; onWithdrawal: string };
      expect(again).toMatchObject({ version: saved.version, onWithdrawal: 'close' });
      expect(await widgetConsent(t)).toMatchObject({ version: saved.version, text });

      // The earlier consent still names its own version and text.
      const old = await admin.request(
        'GET',
        `/api/conversations/${first.body.id as string}/consent`,
      );
      expect(
        ((await old.json()) as { consent: { version: number; text: string } }).consent,
      ).toMatchObject({
        version: before?.version,
        text: DEFAULT_CONSENT_TEXT,
      });
      // A visitor who read the old notice must read the new one.
      const w = await session(t);
      expect((await start(t, w.token, { consent: { version: before?.version } })).status).toBe(409);

      const bad = await admin.request('PUT', '/api/settings/consent', {
        required: true,
        text,
        privacyUrl: 'javascript:alert(1)',
        onWithdrawal: 'erase',
      });
      expect(bad.status).toBe(400);
      const entries = await t.server.store.audit.list(t.orgId, {
        action: 'settings.consent_change',
        limit: 10,
      });
      expect(entries.length).toBeGreaterThanOrEqual(2);
    });

    it('withdrawal with the close policy ends the conversation and keeps it for retention', async () => {
      await admin.request('PUT', '/api/settings/consent', {
        required: true,
        text: 'We keep this chat so we can help you with your question.',
        privacyUrl: null,
        onWithdrawal: 'close',
      });
      const v = await session(t);
      const c = await start(t, v.token, { consent: { version: (await widgetConsent(t)).version } });
      const res = await fetch(`${t.url}/api/visitor/consent/withdraw`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${v.token}` },
        body: JSON.stringify({ conversationId: c.body.id }),
      });
      expect(await res.json()).toEqual({ outcome: 'closed' });
      const conv = await t.server.store.conversations.byId(t.orgId, c.body.id as string);
      expect(conv?.status).toBe('closed');
      const row = await t.server.store.consent.forConversation(t.orgId, c.body.id as string);
      expect(row?.withdrawnAt).not.toBeNull();
    });

    it('withdrawal with the erase policy erases the visitor: messages and key gone, token dead', async () => {
      await admin.request('PUT', '/api/settings/consent', {
        required: true,
        text: 'We keep this chat so we can help you with your question.',
        privacyUrl: null,
        onWithdrawal: 'erase',
      });
      // Letters only: digits glued to letters are held by the masker (a possible piece of a card).
      const tag = randomBytes(5)
        .toString('hex')
        .replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)] ?? 'g');
      const v = await session(t, `Wanda ${tag}`);
      const c = await start(t, v.token, { consent: { version: (await widgetConsent(t)).version } });
      const id = c.body.id as string;
      const vs = await visitorSocket(t.url, v.token);
      vs.send({ type: 'send', clientMsgId: 'm1', conversationId: id, text: `hello ${tag}` });
      await vs.next('ack', (f) => f.clientMsgId === 'm1');
      vs.close();
      const sealed = await t.server.store.consent.forConversation(t.orgId, id);

      // Another visitor cannot withdraw for this one.
      const other = await session(t);
      const denied = await fetch(`${t.url}/api/visitor/consent/withdraw`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${other.token}` },
        body: JSON.stringify({ conversationId: id }),
      });
      expect(denied.status).toBe(404);

      const res = await fetch(`${t.url}/api/visitor/consent/withdraw`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${v.token}` },
        body: JSON.stringify({ conversationId: id }),
      });
      expect(await res.json()).toEqual({ outcome: 'erased' });
      expect(await t.server.store.messages.after(t.orgId, id, 0, 10)).toEqual([]);
      expect((await t.server.store.visitors.byId(t.orgId, v.visitorId))?.name).toBeNull();
      // The consent's evidence went with the visitor's key.
      expect(await t.server.store.dataKeys.openMany([sealed?.evidence ?? null])).toEqual([
        undefined,
      ]);
      const again = await fetch(`${t.url}/api/visitor/conversations`, {
        headers: { authorization: `Bearer ${v.token}` },
      });
      expect(again.status).toBe(401);
      const [entry] = await t.server.store.audit.list(t.orgId, {
        action: 'consent.withdraw',
        limit: 1,
      });
      expect(entry?.resourceId).toBe(v.visitorId);
      expect(JSON.stringify(entry)).not.toContain(tag);
    });

    it('optional consent: a start without it is allowed and records nothing', async () => {
      await admin.request('PUT', '/api/settings/consent', {
        required: false,
        text: 'We keep this chat so we can help you with your question.',
        privacyUrl: null,
        onWithdrawal: 'erase',
      });
      const v = await session(t);
      const c = await start(t, v.token, {});
      expect(c.status).toBe(200);
      expect(
        await t.server.store.consent.forConversation(t.orgId, c.body.id as string),
      ).toBeUndefined();
    });

    it('settings are for admins only', async () => {
      const agent = await t.createAgent('agent');
      const a = new AgentClient(t.url);
      await a.login(agent.email, agent.password);
      expect((await a.request('GET', '/api/settings/consent')).status).toBe(403);
    });
  });
}
