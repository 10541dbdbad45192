import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CannedReply } from '@parley/protocol';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient } from '../../../test/clients';

let t: TestServer;
let admin: AgentClient;
beforeAll(async () => {
  t = await startTestServer();
  admin = new AgentClient(t.url);
  await admin.login(t.admin.email, t.admin.password);
});
afterAll(async () => {
  await t.close();
});

const code = async (res: Response) =>
  ((await res.json()) as { error: { code: string } }).error.code;

describe('canned replies', () => {
  it('are created by admins, masked when saved, unique per shortcut, and audited', async () => {
    const res = await admin.request('POST', '/api/canned-replies', {
      shortcut: '/Refund',
      title: 'Refund policy',
      body: 'Hi {{visitor.name}}, your refund is on its way. Test card 4242 4242 4242 4242.',
    });
    expect(res.status).toBe(400); // the slash is the console's to strip; the shortcut is plain
    const ok = await admin.request('POST', '/api/canned-replies', {
      shortcut: 'Refund',
      title: 'Refund policy',
      body: 'Hi {{visitor.name}}, your refund is on its way. Test card 4242 4242 4242 4242.',
    });
    expect(ok.status).toBe(200);
    const { reply } = (await ok.json()) as { reply: CannedReply };
    expect(reply.shortcut).toBe('refund');
    expect(reply.teamId).toBeNull();
    expect(reply.body).toContain('{{visitor.name}}');
    expect(reply.body).not.toContain('4242 4242 4242');
    expect(reply.masked).toContain('pan');
    const stored = await t.server.store.desk.cannedById(t.orgId, reply.id);
    expect(stored?.body).not.toContain('4242 4242 4242');

    const again = await admin.request('POST', '/api/canned-replies', {
      shortcut: 'refund',
      title: 'Another',
      body: 'x',
    });
    expect(again.status).toBe(409);
    expect(await code(again)).toBe('canned_shortcut_taken');
    // The same shortcut for a team is another scope.
    const team = await admin.request('POST', '/api/canned-replies', {
      shortcut: 'refund',
      title: 'Billing team refund',
      body: 'Billing here.',
      teamId: 'team-billing',
    });
    expect(team.status).toBe(200);

    const entries = await t.server.store.audit.list(t.orgId, { limit: 50 });
    expect(entries.map((e) => e.action)).toContain('canned_reply.create');
  });

  it('are listed to every agent of the organisation, managed only by admins, kept from other organisations', async () => {
    const created = (await (
      await admin.request('POST', '/api/canned-replies', {
        shortcut: 'hello',
        title: 'Greeting',
        body: 'Hello, {{agent.name}} here from {{organisation.name}}.',
      })
    ).json()) as { reply: CannedReply };
    const plain = await t.createAgent('agent');
    const a = new AgentClient(t.url);
    await a.login(plain.email, plain.password);
    const list = (await (await a.request('GET', '/api/canned-replies')).json()) as {
      replies: CannedReply[];
    };
    expect(list.replies.map((r) => r.shortcut)).toContain('hello');
    const denied = await a.request('POST', '/api/canned-replies', {
      shortcut: 'mine',
      title: 'x',
      body: 'y',
    });
    expect(denied.status).toBe(403);
    expect((await a.request('DELETE', `/api/canned-replies/${created.reply.id}`)).status).toBe(403);

    const other = await t.server.store.orgs.create({ name: 'Elsewhere', allowedOrigins: [] });
    const outsider = await t.createAgent('admin', other.id);
    const o = new AgentClient(t.url);
    await o.login(outsider.email, outsider.password);
    const theirs = (await (await o.request('GET', '/api/canned-replies')).json()) as {
      replies: CannedReply[];
    };
    expect(theirs.replies).toEqual([]);
    const edit = await o.request('PUT', `/api/canned-replies/${created.reply.id}`, {
      shortcut: 'hello',
      title: 'hijack',
      body: 'z',
    });
    expect(edit.status).toBe(404);
    expect(await code(edit)).toBe('canned_reply_not_found');

    const renamed = await admin.request('PUT', `/api/canned-replies/${created.reply.id}`, {
      shortcut: 'refund',
      title: 'Greeting',
      body: 'b',
    });
    expect(await code(renamed)).toBe('canned_shortcut_taken');
    const updated = await admin.request('PUT', `/api/canned-replies/${created.reply.id}`, {
      shortcut: 'hi',
      title: 'Greeting',
      body: 'Hi there',
    });
    expect(((await updated.json()) as { reply: CannedReply }).reply.shortcut).toBe('hi');
    expect((await admin.request('DELETE', `/api/canned-replies/${created.reply.id}`)).status).toBe(
      204,
    );
    expect((await admin.request('DELETE', `/api/canned-replies/${created.reply.id}`)).status).toBe(
      404,
    );
  });
});
