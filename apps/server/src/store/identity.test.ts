import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedAgent, seedOrg, storeTargets, suiteName } from '../../test/store-fixtures';
import type { Store } from './index';

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'identity store'), () => {
    let store: Store;
    beforeEach(async () => {
      store = await target.create();
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores passkeys per agent and raises the counter only when it grows (clone detection)', async () => {
      const org = await seedOrg(store);
      const agent = await seedAgent(store, org.id);
      const pk = await store.identity.addPasskey({
        orgId: org.id,
        agentId: agent.id,
        credentialId: 'cred-1',
        publicKey: 'sealed:x',
        counter: 3,
        transports: ['internal', 'hybrid'],
        name: 'Laptop',
        backedUp: true,
        createdAt: 1000,
      });
      expect(await store.identity.passkeys(org.id, agent.id)).toEqual([pk]);
      expect((await store.identity.passkeyByCredentialId('cred-1'))?.transports).toEqual([
        'internal',
        'hybrid',
      ]);
      expect(await store.identity.usePasskey(pk.id, 3, 2000)).toBe(false);
      expect(await store.identity.usePasskey(pk.id, 4, 2000)).toBe(true);
      expect(await store.identity.usePasskey(pk.id, 4, 2001)).toBe(false);
      // Two parallel uses of the same counter: exactly one passes.
      const both = await Promise.all([
        store.identity.usePasskey(pk.id, 9, 3000),
        store.identity.usePasskey(pk.id, 9, 3000),
      ]);
      expect(both.filter(Boolean)).toHaveLength(1);
      expect(await store.identity.countPasskeys(org.id, agent.id)).toBe(1);
      // Another organisation cannot remove it.
      expect(await store.identity.removePasskey('other-org', agent.id, pk.id)).toBe(false);
      expect(await store.identity.removePasskey(org.id, agent.id, pk.id)).toBe(true);
      expect(await store.identity.countPasskeys(org.id, agent.id)).toBe(0);
    });

    it('a counterless authenticator (always 0) keeps working', async () => {
      const org = await seedOrg(store);
      const agent = await seedAgent(store, org.id);
      const pk = await store.identity.addPasskey({
        orgId: org.id,
        agentId: agent.id,
        credentialId: 'synced',
        publicKey: 'sealed:y',
        counter: 0,
        transports: [],
        name: 'Phone',
        backedUp: true,
        createdAt: 1,
      });
      expect(await store.identity.usePasskey(pk.id, 0, 2)).toBe(true);
      expect(await store.identity.usePasskey(pk.id, 0, 3)).toBe(true);
    });

    it('spends a WebAuthn challenge once, only for its purpose, and never after it expires', async () => {
      const now = Date.now();
      const id = await store.identity.createChallenge({
        orgId: 'o',
        agentId: 'a',
        purpose: 'register',
        challenge: 'c1',
        expiresAt: now + 60_000,
      });
      expect(await store.identity.spendChallenge(id, 'sign_in', now)).toBeUndefined();
      const parallel = await Promise.all([
        store.identity.spendChallenge(id, 'register', now),
        store.identity.spendChallenge(id, 'register', now),
      ]);
      expect(parallel.filter((r) => r !== undefined)).toEqual([
        { orgId: 'o', agentId: 'a', challenge: 'c1' },
      ]);
      const old = await store.identity.createChallenge({
        orgId: '',
        agentId: null,
        purpose: 'sign_in',
        challenge: 'c2',
        expiresAt: now - 1,
      });
      expect(await store.identity.spendChallenge(old, 'sign_in', now)).toBeUndefined();
    });

    it('keeps SSO settings with a fail-closed role map, single-use flows and IdP-linked sessions', async () => {
      const org = await seedOrg(store);
      const agent = await seedAgent(store, org.id);
      const defaults = await store.identity.settings(org.id);
      expect(defaults.sso).toMatchObject({ enabled: false, defaultRole: 'agent', jit: false });
      expect(defaults.requirePasskeyForAdmins).toBe(false);
      const saved = await store.identity.saveSettings(
        org.id,
        {
          requirePasskeyForAdmins: true,
          sso: {
            enabled: true,
            issuer: 'https://idp.example',
            clientId: 'parley',
            clientSecret: 'sealed:s',
            roleClaim: 'groups',
            roleMap: { admins: 'admin' },
            jit: true,
            mfaAmr: ['mfa'],
          },
        },
        5,
      );
      expect(await store.identity.settings(org.id)).toEqual(saved);
      // A tampered role map never grants an unknown role.
      await store.db
        .updateTable('org_identity')
        .set({ role_map: '{"x":"root","y":"supervisor"}' })
        .where('org_id', '=', org.id)
        .execute();
      expect((await store.identity.settings(org.id)).sso.roleMap).toEqual({ y: 'supervisor' });

      await store.identity.createFlow({
        state: 's1',
        orgId: org.id,
        codeVerifier: 'sealed:v',
        nonce: 'n',
        expiresAt: Date.now() + 60_000,
      });
      expect(await store.identity.spendFlow('s1', Date.now())).toEqual({
        orgId: org.id,
        codeVerifier: 'sealed:v',
        nonce: 'n',
      });
      expect(await store.identity.spendFlow('s1', Date.now())).toBeUndefined();

      await store.identity.linkSubject(org.id, 'https://idp.example', 'sub-1', agent.id);
      expect(await store.identity.agentBySubject(org.id, 'https://idp.example', 'sub-1')).toBe(
        agent.id,
      );
      expect(
        await store.identity.agentBySubject('other', 'https://idp.example', 'sub-1'),
      ).toBeUndefined();

      const now = Date.now();
      for (const [hash, sid] of [
        ['h1', 'sid-a'],
        ['h2', 'sid-b'],
      ] as const) {
        await store.sessions.create({
          tokenHash: hash,
          agentId: agent.id,
          orgId: org.id,
          csrfToken: 'c',
          createdAt: now,
          expiresAt: now + 60_000,
        });
        await store.identity.setSessionIdentity(org.id, hash, {
          method: 'oidc',
          oidcIssuer: 'https://idp.example',
          oidcSubject: 'sub-1',
          oidcSid: sid,
        });
      }
      expect(
        await store.identity.oidcSessions(org.id, 'https://idp.example', { sid: 'sid-b' }, now),
      ).toEqual(['h2']);
      expect(
        (
          await store.identity.oidcSessions(org.id, 'https://idp.example', { sub: 'sub-1' }, now)
        ).sort(),
      ).toEqual(['h1', 'h2']);
      expect(
        await store.identity.oidcSessions(org.id, 'https://other.example', { sub: 'sub-1' }, now),
      ).toEqual([]);
      expect(await store.identity.oidcSessions(org.id, 'https://idp.example', {}, now)).toEqual([]);
      await store.identity.setSessionIdentity(org.id, 'h1', { passkeyAt: 7 });
      expect(await store.identity.sessionIdentity('h1')).toMatchObject({
        method: 'oidc',
        passkeyAt: 7,
        oidcSid: 'sid-a',
      });
    });
  });
}
