import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rating, RatingReport } from '@parley/protocol';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { storeTargets, suiteName } from '../../../test/store-fixtures';
import { AgentClient, newVisitor, visitorSocket, type TestSocket } from '../../../test/clients';
import { startSmtp } from '../../../test/smtp';
import { hideMaskedDigits } from './transcripts';

// Documented test cards only: one typed into the chat, one into a rating comment.
const CHAT_CARD = '5555 5555 5555 4444';
const COMMENT_CARD = '4242 4242 4242 4242';

const code = async (res: Response) =>
  ((await res.json()) as { error: { code: string } }).error.code;

describe('hideMaskedDigits', () => {
  it('hides the digits the masker left after a hidden number, and no other digit', () => {
    expect(hideMaskedDigits('card •••• •••• •••• 4444, order 77')).toBe(
      'card •••• •••• •••• ••••, order 77',
    );
    expect(hideMaskedDigits('•••••••••••• 1234')).toBe('•••••••••••• ••••');
    expect(hideMaskedDigits('no card here: 4444')).toBe('no card here: 4444');
  });
});

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(
    suiteName(target, 'ratings and transcripts'),
    () => {
      let t: TestServer;
      let smtp: Awaited<ReturnType<typeof startSmtp>>;
      let admin: AgentClient;
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
        admin = new AgentClient(t.url);
        await admin.login(t.admin.email, t.admin.password);
      });
      afterAll(async () => {
        await t?.close();
        if (target.name === 'postgres') await t?.server.store.close();
        await smtp?.close();
      });

      const visitorCall = (token: string, method: string, path: string, body?: unknown) =>
        fetch(`${t.url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });

      /** A conversation with a card typed by the visitor, an agent's reply, a note and a payment. */
      async function chatted() {
        const v = await newVisitor(t.url, t.orgKey, 'Vera Visitor');
        await admin.request('POST', `/api/conversations/${v.conversationId}/accept`);
        const vs = await visitorSocket(t.url, v.token);
        await vs.resume(v.conversationId);
        vs.send({
          type: 'send',
          clientMsgId: 'c1',
          conversationId: v.conversationId,
          text: `my card is ${CHAT_CARD}`,
        });
        await vs.next('ack', (f) => f.clientMsgId === 'c1');
        // As the widget sends it after its courtesy masking: the last four still there.
        vs.send({
          type: 'send',
          clientMsgId: 'c2',
          conversationId: v.conversationId,
          text: 'or rather •••• •••• •••• 4444',
        });
        await vs.next('ack', (f) => f.clientMsgId === 'c2');
        const reply = await admin.request(
          'POST',
          `/api/conversations/${v.conversationId}/messages`,
          {
            clientMsgId: 'a1',
            text: 'Thanks, please use the pay button instead.',
          },
        );
        expect(reply.status).toBe(201);
        await admin.request('POST', `/api/conversations/${v.conversationId}/notes`, {
          clientId: 'n1',
          text: 'secret-note-marker: customer seemed confused',
        });
        const now = Date.now();
        await t.server.store.payments.upsert({
          id: `pay_${v.conversationId.slice(0, 8)}`,
          orgId: t.orgId,
          conversationId: v.conversationId,
          status: 'succeeded',
          amount: 1200,
          currency: 'EUR',
          description: 'Order 77',
          amountRefunded: 0,
          brand: 'mastercard',
          last4: '4444',
          gatewayReference: 'ref_1',
          failureMessage: null,
          vaultVersion: 3,
          createdAt: now,
          updatedAt: now,
        });
        return { ...v, vs };
      }

      it('a visitor rates a closed conversation; the comment is masked, sealed and shown to agents live', async () => {
        const v = await chatted();
        const agentSocket: TestSocket = await admin.socket();
        await agentSocket.next('ready');
        const rate = (body: unknown, token = v.token) =>
          visitorCall(token, 'POST', `/api/visitor/conversations/${v.conversationId}/rating`, body);

        const early = await rate({ score: 5 });
        expect(early.status).toBe(409);
        expect(await code(early)).toBe('conversation_not_closed');
        expect(
          (await admin.request('POST', `/api/conversations/${v.conversationId}/close`)).status,
        ).toBe(200);

        expect((await rate({ score: 6 })).status).toBe(400);
        expect((await rate({ score: 0 })).status).toBe(400);
        const ok = await rate({ score: 4, comment: `Quick help. My card ${COMMENT_CARD} again` });
        expect(ok.status).toBe(200);
        const { rating } = (await ok.json()) as { rating: Rating };
        expect(rating.score).toBe(4);
        expect(rating.comment).toContain('Quick help.');
        // The masker's form: at most the last four stay (PCI DSS 3.4.1), as in every message.
        expect(rating.comment).not.toContain('4242 4242');
        expect(rating.comment?.match(/\d/g)?.length ?? 0).toBeLessThanOrEqual(4);
        expect(rating.masked).toContain('pan');

        const live = await agentSocket.next('rating', (f) => f.conversationId === v.conversationId);
        expect(live.rating.score).toBe(4);
        expect(live.rating.comment).toBe(rating.comment);
        // Nothing of the rating went to the visitor's socket (it is the agents' frame).
        expect(v.vs.frames.some((f) => (f.type as string) === 'rating')).toBe(false);

        const raw = await t.server.store.db
          .selectFrom('conversation_ratings')
          .select(['comment', 'score'])
          .where('conversation_id', '=', v.conversationId)
          .executeTakeFirstOrThrow();
        expect(raw.comment).toMatch(/^dk1\./); // sealed under the conversation's data key
        expect(raw.comment).not.toContain('Quick help');
        expect(t.logs.join('\n')).not.toContain('Quick help');

        // The visitor changes their mind: one rating per conversation, the latest counts.
        const again = await rate({ score: 5 });
        expect(((await again.json()) as { rating: Rating }).rating).toMatchObject({
          score: 5,
          comment: null,
        });
        const mine = (await (
          await visitorCall(v.token, 'GET', `/api/visitor/conversations/${v.conversationId}/rating`)
        ).json()) as { rating: Rating };
        expect(mine.rating.score).toBe(5);

        const seen = (await (
          await admin.request('GET', `/api/conversations/${v.conversationId}/rating`)
        ).json()) as { rating: Rating };
        expect(seen.rating.score).toBe(5);
        expect(seen.rating.agentId).not.toBeNull();

        // Someone else's conversation is not found, for visitors and for other organisations.
        const stranger = await newVisitor(t.url, t.orgKey, 'Sam');
        const foreign = await rate({ score: 1 }, stranger.token);
        expect(foreign.status).toBe(404);
        const other = await t.server.store.orgs.create({ name: 'Elsewhere', allowedOrigins: [] });
        const outsider = await t.createAgent('admin', other.id);
        const o = new AgentClient(t.url);
        await o.login(outsider.email, outsider.password);
        expect(
          (await o.request('GET', `/api/conversations/${v.conversationId}/rating`)).status,
        ).toBe(404);
        agentSocket.close();
        v.vs.close();
      });

      it('feeds the ratings report for supervisors and admins, not for agents', async () => {
        const scores = [2, 5];
        for (const score of scores) {
          const v = await newVisitor(t.url, t.orgKey);
          await admin.request('POST', `/api/conversations/${v.conversationId}/accept`);
          await admin.request('POST', `/api/conversations/${v.conversationId}/close`);
          const r = await visitorCall(
            v.token,
            'POST',
            `/api/visitor/conversations/${v.conversationId}/rating`,
            { score },
          );
          expect(r.status).toBe(200);
        }
        const sup = await t.createAgent('supervisor');
        const s = new AgentClient(t.url);
        await s.login(sup.email, sup.password);
        const res = await s.request('GET', '/api/reports/ratings');
        expect(res.status).toBe(200);
        const report = (await res.json()) as RatingReport;
        // The first test's conversation (5) plus these two.
        expect(report.count).toBe(3);
        expect(report.distribution).toEqual([0, 1, 0, 0, 2]);
        expect(report.average).toBe(4);
        expect(report.agents).toEqual([
          { agentId: expect.any(String) as string, name: 'Admin', count: 3, average: 4 },
        ]);
        const none = (await (
          await s.request('GET', `/api/reports/ratings?from=0&to=1000`)
        ).json()) as RatingReport;
        expect(none).toMatchObject({ count: 0, average: null, distribution: [0, 0, 0, 0, 0] });
        expect((await s.request('GET', '/api/reports/ratings?from=10&to=5')).status).toBe(400);

        const plain = await t.createAgent('agent');
        const a = new AgentClient(t.url);
        await a.login(plain.email, plain.password);
        expect((await a.request('GET', '/api/reports/ratings')).status).toBe(403);
      });

      it('e-mails a transcript: masked text, payments as status lines, no note, no card digit; once per intent, rate-limited', async () => {
        const v = await chatted();
        // A file whose name showed a card: stored masked, as the upload route stores names.
        const fileId = randomUUID();
        await t.server.store.files.create({
          id: fileId,
          orgId: t.orgId,
          conversationId: v.conversationId,
          uploaderKind: 'visitor',
          uploaderId: v.visitorId,
          clientId: `c-${fileId}`,
          batchId: 'batch-0001',
          name: await t.server.chat.maskField(`receipt ${CHAT_CARD}.pdf`, t.orgId),
          size: 100,
          mime: 'application/pdf',
          createdAt: Date.now(),
        });
        await t.server.store.files.update(
          t.orgId,
          fileId,
          { status: 'available', updatedAt: Date.now() },
          'checking',
        );
        const before = smtp.received.length;
        const ask = (email: string) =>
          visitorCall(
            v.token,
            'POST',
            `/api/visitor/conversations/${v.conversationId}/transcript`,
            {
              email,
            },
          );
        const bad = await ask('not-an-address');
        expect(bad.status).toBe(400);
        const first = await ask('Vera@Example.test');
        expect(first.status).toBe(202);
        expect(await first.json()).toEqual({ queued: true, duplicate: false });
        await smtp.waitFor(before + 1);
        const mail = smtp.received[before];
        if (!mail) throw new Error('no transcript arrived');
        expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('vera@example.test');
        expect(mail.subject).toContain('Your conversation with');
        const text = mail.text ?? '';
        const html = typeof mail.html === 'string' ? mail.html : '';
        for (const body of [text, html]) {
          expect(body).toContain('Thanks, please use the pay button instead.');
          expect(body).toContain('my card is');
          expect(body).toMatch(/Payment of €12\.00 \(Order 77\): paid/);
          expect(body).not.toContain('secret-note-marker');
          expect(body).toMatch(/Sent a file: receipt [•\s]+\.pdf/);
          // Not a digit of the card typed in the chat, nor the payment's last four.
          expect(body).not.toMatch(/5555|4444/);
        }
        expect(text).toContain('You: my card is');

        // The same request again (a double click) queues nothing more.
        const repeat = await ask('vera@example.test');
        expect(await repeat.json()).toEqual({ queued: true, duplicate: true });
        // Then the limit: three per conversation per hour, whatever the address.
        expect((await ask('other@example.test')).status).toBe(202);
        const limited = await ask('third@example.test');
        expect(limited.status).toBe(429);
        expect(await code(limited)).toBe('transcript_limit');
        await smtp.waitFor(before + 2);
        expect(smtp.received.length).toBe(before + 2);
        v.vs.close();
      });

      it('agents send a transcript to the customer, audited; a visitor token cannot use the agent route', async () => {
        const v = await chatted();
        const before = smtp.received.length;
        const res = await admin.request(
          'POST',
          `/api/conversations/${v.conversationId}/transcript`,
          {
            email: 'vera@example.test',
          },
        );
        expect(res.status).toBe(202);
        await smtp.waitFor(before + 1);
        const text = smtp.received[before]?.text ?? '';
        expect(text).toContain('Vera Visitor: my card is');
        expect(text).not.toMatch(/5555|4444|secret-note-marker/);
        const entries = await t.server.store.audit.list(t.orgId, { limit: 50 });
        const sent = entries.find((e) => e.action === 'conversation.transcript_sent');
        expect(sent?.resourceId).toBe(v.conversationId);
        expect(JSON.stringify(sent?.detail)).not.toContain('vera@');

        const asVisitor = await visitorCall(
          v.token,
          'POST',
          `/api/conversations/${v.conversationId}/transcript`,
          {
            email: 'x@example.test',
          },
        );
        expect(asVisitor.status).toBe(401);
        v.vs.close();
      });
    },
  );
}
