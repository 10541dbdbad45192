import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@parley/protocol';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, newVisitor } from '../../../test/clients';

/**
 * The whole matrix of role × action × (own organisation / other organisation)
 * over real HTTP: each cell is allowed (2xx) or denied (403/404), as
 * modules/auth/policy.ts says.
 */
type Org = 'own' | 'other';
interface Action {
  name: string;
  allowed: Record<Role, boolean>;
  orgs: Org[];
  run(client: AgentClient, org: Org): Promise<Response>;
}

const ROLES: Role[] = ['admin', 'supervisor', 'agent'];
const all = { admin: true, supervisor: true, agent: true };
const adminOnly = { admin: true, supervisor: false, agent: false };
const supervisorUp = { admin: true, supervisor: true, agent: false };

let t: TestServer;
let otherOrg: { id: string; key: string };
const clients = new Map<Role, AgentClient>();
let helper: AgentClient;
let otherHelper: AgentClient;

async function conversation(org: Org, acceptedBy?: AgentClient): Promise<string> {
  const v = await newVisitor(t.url, org === 'own' ? t.orgKey : otherOrg.key);
  if (acceptedBy)
    expect(
      (await acceptedBy.request('POST', `/api/conversations/${v.conversationId}/accept`)).status,
    ).toBe(200);
  return v.conversationId;
}
async function targetAgent(org: Org): Promise<string> {
  return (await t.createAgent('agent', org === 'own' ? t.orgId : otherOrg.id)).id;
}

const ACTIONS: Action[] = [
  {
    name: 'list conversations',
    allowed: all,
    orgs: ['own'],
    run: (c) => c.request('GET', '/api/conversations'),
  },
  {
    name: 'view a conversation',
    allowed: all,
    orgs: ['own', 'other'],
    run: async (c, o) => c.request('GET', `/api/conversations/${await conversation(o)}`),
  },
  {
    name: 'accept a conversation',
    allowed: all,
    orgs: ['own', 'other'],
    run: async (c, o) => c.request('POST', `/api/conversations/${await conversation(o)}/accept`),
  },
  {
    name: "close another agent's conversation",
    allowed: supervisorUp,
    orgs: ['own', 'other'],
    run: async (c, o) =>
      c.request(
        'POST',
        `/api/conversations/${await conversation(o, o === 'own' ? helper : otherHelper)}/close`,
      ),
  },
  {
    name: 'list agents',
    allowed: adminOnly,
    orgs: ['own'],
    run: (c) => c.request('GET', '/api/agents'),
  },
  {
    name: 'invite an agent',
    allowed: adminOnly,
    orgs: ['own'],
    run: (c) =>
      c.request('POST', '/api/agents', {
        email: `inv-${Math.random().toString(36).slice(2)}@parley.test`,
        name: 'Invitee',
        role: 'agent',
      }),
  },
  {
    name: "change an agent's role",
    allowed: adminOnly,
    orgs: ['own', 'other'],
    run: async (c, o) =>
      c.request('PATCH', `/api/agents/${await targetAgent(o)}`, { role: 'supervisor' }),
  },
  {
    name: 'deactivate an agent',
    allowed: adminOnly,
    orgs: ['own', 'other'],
    run: async (c, o) =>
      c.request('PATCH', `/api/agents/${await targetAgent(o)}`, { active: false }),
  },
  {
    name: 'unlock an agent',
    allowed: adminOnly,
    orgs: ['own', 'other'],
    run: async (c, o) => c.request('POST', `/api/agents/${await targetAgent(o)}/unlock`),
  },
  {
    name: "reset an agent's MFA",
    allowed: adminOnly,
    orgs: ['own', 'other'],
    run: async (c, o) => c.request('POST', `/api/agents/${await targetAgent(o)}/mfa/reset`),
  },
  {
    name: "reset an agent's password",
    allowed: adminOnly,
    orgs: ['own', 'other'],
    run: async (c, o) =>
      c.request('POST', `/api/agents/${await targetAgent(o)}/password/reset`, {}),
  },
  {
    name: 'list own sessions',
    allowed: all,
    orgs: ['own'],
    run: (c) => c.request('GET', '/api/account/sessions'),
  },
  {
    name: "end an agent's sessions",
    allowed: adminOnly,
    orgs: ['own', 'other'],
    run: async (c, o) => c.request('POST', `/api/agents/${await targetAgent(o)}/sessions/revoke`),
  },
  {
    name: 'read security settings',
    allowed: adminOnly,
    orgs: ['own'],
    run: (c) => c.request('GET', '/api/security/settings'),
  },
  {
    name: 'change security settings',
    allowed: adminOnly,
    orgs: ['own'],
    run: (c) => c.request('PUT', '/api/security/settings', { ipAllowlist: [] }),
  },
  {
    name: 'read security events',
    allowed: supervisorUp,
    orgs: ['own'],
    run: (c) => c.request('GET', '/api/security/events'),
  },
  {
    name: 'read the audit log',
    allowed: adminOnly,
    orgs: ['own'],
    run: (c) => c.request('GET', '/api/audit'),
  },
  {
    name: 'sign out everywhere (own sessions)',
    allowed: all,
    orgs: ['own'],
    run: async (_c, _o) => {
      // Uses a throwaway session so the matrix client stays signed in.
      const role = currentRole;
      const me = identities.get(role);
      if (!me) throw new Error('no identity');
      const c = new AgentClient(t.url);
      await c.login(me.email, me.password);
      return c.request('POST', '/api/auth/logout-all');
    },
  },
];

let currentRole: Role = 'admin';
const identities = new Map<Role, { email: string; password: string }>();

beforeAll(async () => {
  t = await startTestServer({ logLevel: 'warn' });
  otherOrg = await t.server.store.orgs.create({ name: 'Other Org', allowedOrigins: [] });
  await t.server.store.security.updateSettings(otherOrg.id, { mfaPolicy: 'none' }, Date.now());
  for (const role of ROLES) {
    const who = await t.createAgent(role);
    identities.set(role, who);
    const c = new AgentClient(t.url);
    expect((await c.login(who.email, who.password)).status).toBe(200);
    clients.set(role, c);
  }
  const h = await t.createAgent('agent');
  helper = new AgentClient(t.url);
  await helper.login(h.email, h.password);
  const oh = await t.createAgent('agent', otherOrg.id);
  otherHelper = new AgentClient(t.url);
  await otherHelper.login(oh.email, oh.password);
});
afterAll(async () => {
  await t.close();
});

describe('role × action × organisation matrix', () => {
  const cells = ROLES.flatMap((role) =>
    ACTIONS.flatMap((action) => action.orgs.map((org) => ({ role, action, org }))),
  );
  it.each(cells.map((c) => [c.role, c.action.name, c.org, c] as const))(
    '%s / %s / %s org',
    async (_r, _a, _o, { role, action, org }) => {
      currentRole = role;
      const client = clients.get(role);
      if (!client) throw new Error('no client');
      const res = await action.run(client, org);
      const expectAllowed = org === 'own' && action.allowed[role];
      if (expectAllowed) expect(res.status, await res.clone().text()).toBeLessThan(300);
      else expect([403, 404], await res.clone().text()).toContain(res.status);
    },
  );

  it('covers every cell', () => {
    expect(cells.length).toBe(ROLES.length * ACTIONS.reduce((n, a) => n + a.orgs.length, 0));
  });
});
