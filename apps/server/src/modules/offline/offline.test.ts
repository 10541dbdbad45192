import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Availability, BusinessHours } from '@parley/protocol';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { storeTargets, suiteName } from '../../../test/store-fixtures';
import { AgentClient } from '../../../test/clients';
import { startSmtp } from '../../../test/smtp';
import { isWithinHours, localTime } from './hours';

const CARD = '4242 4242 4242 4242';
const week = (spans: { from: string; to: string }[]) => [spans, spans, spans, spans, spans, [], []];

describe('business hours', () => {
  // Thursday 3 December 2026, 08:30 UTC = 09:30 in Berlin = 03:30 in New York.
  const at = Date.UTC(2026, 11, 3, 8, 30);
  it('reads the local weekday and time in the organisation’s time zone', () => {
    expect(localTime(at, 'Europe/Berlin')).toEqual({ day: 3, time: '09:30' });
    expect(localTime(at, 'America/New_York')).toEqual({ day: 3, time: '03:30' });
    // Across midnight: Friday already in Tokyo.
    expect(localTime(Date.UTC(2026, 11, 3, 20, 0), 'Asia/Tokyo')).toEqual({
      day: 4,
      time: '05:00',
    });
  });
  it('is open inside a span of the day, closed outside it, on the weekend and at the end minute', () => {
    const h: BusinessHours = {
      enabled: true,
      timeZone: 'Europe/Berlin',
      week: week([{ from: '09:00', to: '17:00' }]),
      offlineText: '',
    };
    expect(isWithinHours(h, at)).toBe(true);
    expect(isWithinHours({ ...h, timeZone: 'America/New_York' }, at)).toBe(false);
    expect(isWithinHours(h, Date.UTC(2026, 11, 3, 16, 0))).toBe(false); // 17:00 Berlin
    expect(isWithinHours(h, Date.UTC(2026, 11, 5, 10, 0))).toBe(false); // Saturday
    expect(isWithinHours({ ...h, enabled: false }, Date.UTC(2026, 11, 5, 10, 0))).toBe(true);
  });
});

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'offline mode'), () => {
    let t: TestServer;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    beforeAll(async () => {
      smtp = await startSmtp();
      t = await startTestServer({
        logLevel: 'info',
        ...(target.name === 'postgres' ? { store: await target.create() } : {}),
        env: {
          PARLEY_SMTP_HOST: '127.0.0.1',
          PARLEY_SMTP_PORT: String(smtp.port),
          PARLEY_SMTP_SECURITY: 'none',
          PARLEY_SMTP_FROM: 'Parley <parley@example.test>',
        },
      });
    });
    afterAll(async () => {
      await t?.close();
      await smtp?.close();
    });

    const availability = async () =>
      (await (
        await fetch(`${t.url}/api/widget/availability?org=${t.orgKey}`)
      ).json()) as Availability;
    const leave = (body: Record<string, unknown>) =>
      fetch(`${t.url}/api/visitor/offline-message`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orgKey: t.orgKey, ...body }),
      });
    const cont = (token: string) =>
      fetch(`${t.url}/api/visitor/continue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orgKey: t.orgKey, token }),
      });

    it('nobody signed in: the widget is told so; a message left becomes a queued conversation and a team e-mail; the reply reaches the customer with a single-use link', async () => {
      expect(await availability()).toMatchObject({
        available: false,
        reason: 'away',
        leaveMessage: true,
      });

      expect(
        (await leave({ name: 'Olga', email: 'olga@example.test', message: 'hi' })).status,
      ).toBe(400);
      const left = await leave({
        name: 'Olga',
        email: 'Olga@Example.test',
        message: `Please call me back about my order, card ${CARD}`,
        consent: true,
      });
      expect(left.status).toBe(201);
      const session = (await left.json()) as { token: string; conversationId: string };

      await smtp.waitFor(1);
      const team = smtp.received[0];
      expect(team?.to && 'text' in team.to ? team.to.text : '').toBe(t.admin.email);
      expect(team?.text).toContain('Olga left a message');
      expect(team?.text).toContain('Please call me back about my order');
      expect(team?.text).not.toMatch(/4242/);
      expect(team?.text).not.toContain('olga@example.test');

      // The conversation waits in the queue with its first message, masked.
      const admin = new AgentClient(t.url);
      await admin.login(t.admin.email, t.admin.password);
      expect(await availability()).toMatchObject({ available: true, reason: 'open' });
      const waiting = (await (
        await admin.request('GET', '/api/conversations?status=waiting')
      ).json()) as {
        conversations: { id: string; visitor: { name: string | null } }[];
      };
      expect(waiting.conversations.map((c) => c.id)).toContain(session.conversationId);
      const contact = (await (
        await admin.request('GET', `/api/conversations/${session.conversationId}/contact`)
      ).json()) as { contact: { email: string } | null };
      expect(contact.contact?.email).toBe('olga@example.test');
      const raw = await t.server.store.db
        .selectFrom('conversation_contacts')
        .select('email')
        .where('conversation_id', '=', session.conversationId)
        .executeTakeFirstOrThrow();
      expect(raw.email).toMatch(/^dk1\./);

      // The agent's reply from the console goes to the customer by e-mail.
      await admin.request('POST', `/api/conversations/${session.conversationId}/accept`);
      const sent = await admin.request(
        'POST',
        `/api/conversations/${session.conversationId}/messages`,
        {
          clientMsgId: 'reply-1',
          text: 'Hello Olga, we are on it.',
        },
      );
      expect(sent.status).toBe(201);
      await smtp.waitFor(2);
      const reply = smtp.received[1];
      expect(reply?.to && 'text' in reply.to ? reply.to.text : '').toBe('olga@example.test');
      expect(reply?.text).toContain('Hello Olga, we are on it.');
      const link = /https?:\/\/\S+#continue=([A-Za-z0-9_-]+)/.exec(reply?.text ?? '');
      expect(link?.[0]).toContain('/frame/?org=');
      const token = link?.[1] ?? '';
      expect(t.logs.join('\n')).not.toContain(token);
      // A repeat of the same reply (same client id) sends nothing more.
      await admin.request('POST', `/api/conversations/${session.conversationId}/messages`, {
        clientMsgId: 'reply-1',
        text: 'Hello Olga, we are on it.',
      });

      // The link continues the chat once: a fresh token for the same conversation.
      const first = await cont(token);
      expect(first.status).toBe(200);
      const resumed = (await first.json()) as { token: string; conversationId: string };
      expect(resumed.conversationId).toBe(session.conversationId);
      expect(resumed.token).not.toBe(session.token);
      const mine = (await (
        await fetch(`${t.url}/api/visitor/conversations`, {
          headers: { authorization: `Bearer ${resumed.token}` },
        })
      ).json()) as { conversations: { id: string }[] };
      expect(mine.conversations.map((c) => c.id)).toEqual([session.conversationId]);
      const again = await cont(token);
      expect(again.status).toBe(403);
      expect(((await again.json()) as { error: { code: string } }).error.code).toBe(
        'continue_link_invalid',
      );
      expect((await cont('x'.repeat(43))).status).toBe(403);
      expect(smtp.received).toHaveLength(2);
    });

    it('business hours set by an admin close the widget outside them, audited; agents may not set them', async () => {
      const admin = new AgentClient(t.url);
      await admin.login(t.admin.email, t.admin.password);
      const closed: BusinessHours = {
        enabled: true,
        timeZone: 'Pacific/Kiritimati',
        week: [[], [], [], [], [], [], []],
        offlineText: 'We are closed. Leave a message!',
      };
      expect(
        (await admin.request('PUT', '/api/settings/hours', { ...closed, timeZone: 'Mars/Olympus' }))
          .status,
      ).toBe(400);
      expect((await admin.request('PUT', '/api/settings/hours', closed)).status).toBe(200);
      expect(await availability()).toEqual({
        available: false,
        reason: 'closed',
        offlineText: 'We are closed. Leave a message!',
        leaveMessage: true,
      });
      const entries = await t.server.store.audit.list(t.orgId, { limit: 50 });
      expect(entries.map((e) => e.action)).toContain('business_hours.update');

      const plain = await t.createAgent('agent');
      const a = new AgentClient(t.url);
      await a.login(plain.email, plain.password);
      expect((await a.request('PUT', '/api/settings/hours', closed)).status).toBe(403);
      const open = { ...closed, enabled: false };
      expect((await admin.request('PUT', '/api/settings/hours', open)).status).toBe(200);
      expect((await availability()).reason).toBe('open');
    });
  });
}
