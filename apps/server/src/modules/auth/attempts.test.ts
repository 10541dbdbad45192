import { randomBytes } from 'node:crypto';
import { authenticator } from 'otplib';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { afterEach, describe, expect, it } from 'vitest';
import { ParleyError } from '@parley/protocol';
import { createLocalBus } from '../../bus';
import { createLogger } from '../../logger';
import type { Store } from '../../store';
import { seedOrg, storeTargets, suiteName } from '../../../test/store-fixtures';
import { bindKeyring, createSecurityEvents, keyringOf, seal, secretContext } from '../security';
import { createAttempts } from './attempts';
import { createProofOfWork, type ProofOfWork } from './challenge';
import { createMfaService } from './mfa';
import { hashPassword, verifyPassword } from './password';
import { createAuthService, type AuthService } from './service';

const PASSWORD = 'correct horse battery staple';

/** One server node's sign-in services on a shared store, with its password checks counted. */
function node(store: Store, pow: ProofOfWork, counter: { checks: number }) {
  const bus = createLocalBus();
  const events = createSecurityEvents({ store, bus, log: createLogger('silent') });
  const attempts = createAttempts({ store, events, pow });
  const counted = async (hash: string | undefined, password: string) => {
    counter.checks += 1;
    return verifyPassword(hash, password);
  };
  const config = { sessionIdleMinutes: 15, sessionAbsoluteHours: 12 };
  const auth = createAuthService({ store, config, bus, events, attempts, verifyPassword: counted });
  const mfa = createMfaService({ store, auth, events, attempts, verifyPassword: counted });
  return { auth, mfa };
}

async function solved(pow: ProofOfWork, n: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const challenge = await pow.create();
      const solution = await solveChallenge({ challenge, deriveKey });
      return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
    }),
  );
}

const codeOf = (err: unknown) => (err instanceof ParleyError ? err.code : String(err));

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(
    suiteName(target, 'sign-in attempts (PCI DSS 8.3.4, issue 10 finding 1)'),
    () => {
      let stores: Store[] = [];
      afterEach(async () => {
        for (const s of stores) await s.close();
        stores = [];
      });

      async function setUp() {
        stores = await target.createNodes(2);
        const keyring = { sealKey: randomBytes(32), auditKey: randomBytes(32) };
        for (const s of stores) bindKeyring(s, keyring);
        const [a, b] = stores as [Store, Store];
        const pow = createProofOfWork({ hmacKey: 'test-pow-key', difficulty: 1 });
        const counter = { checks: 0 };
        const nodes = [node(a, pow, counter), node(b, pow, counter)];
        const org = await seedOrg(a);
        await a.security.updateSettings(org.id, { mfaPolicy: 'none' }, Date.now());
        const agent = await a.agents.create({
          orgId: org.id,
          email: `victim-${Math.random().toString(36).slice(2)}@parley.test`,
          name: 'Victim',
          role: 'agent',
          passwordHash: await hashPassword(PASSWORD),
        });
        return { a, pow, counter, nodes, agent, org };
      }

      it('regression: 100 parallel wrong passwords on two nodes run at most 10 hash checks', async () => {
        const { pow, counter, nodes, agent } = await setUp();
        const proofs = await solved(pow, 100);
        const results = await Promise.allSettled(
          proofs.map((p, i) =>
            (nodes[i % 2] as { auth: AuthService }).auth.login(
              agent.email,
              `wrong ${i}`,
              `10.9.${i}.1`,
              p,
            ),
          ),
        );
        expect(results.every((r) => r.status === 'rejected')).toBe(true);
        expect(counter.checks).toBeLessThanOrEqual(10);
        const codes = results.map((r) => (r.status === 'rejected' ? codeOf(r.reason) : 'ok'));
        expect(codes.filter((c) => c === 'invalid_credentials').length).toBe(counter.checks);
        expect(codes.filter((c) => c === 'account_locked').length).toBeGreaterThanOrEqual(90);
      }, 120_000);

      it('regression: 49 wrong passwords and the right one in one burst check at most 10', async () => {
        const { pow, counter, nodes, agent } = await setUp();
        const proofs = await solved(pow, 50);
        await Promise.allSettled(
          proofs.map((p, i) =>
            (nodes[i % 2] as { auth: AuthService }).auth.login(
              agent.email,
              i === 49 ? PASSWORD : `wrong ${i}`,
              `10.8.${i}.1`,
              p,
            ),
          ),
        );
        expect(counter.checks).toBeLessThanOrEqual(10);
      }, 120_000);

      it('regression: 100 parallel wrong TOTP codes are checked at most 10 times', async () => {
        const { a, counter, nodes, agent } = await setUp();
        const secret = authenticator.generateSecret(20);
        await a.security.setPendingSecret(
          agent.orgId,
          agent.id,
          seal(keyringOf(a), secret, secretContext.totp(agent.id)),
        );
        await a.security.enableTotp(agent.orgId, agent.id, Date.now());
        const { context } = await (nodes[0] as { auth: AuthService }).auth.login(
          agent.email,
          PASSWORD,
          '10.7.0.1',
        );
        expect(context.stage).toBe('mfa_verify');
        counter.checks = 0;
        const results = await Promise.allSettled(
          Array.from({ length: 100 }, (_, i) =>
            (nodes[i % 2] as ReturnType<typeof node>).mfa.verify(context, '000000', '10.7.0.1'),
          ),
        );
        const codes = results.map((r) => (r.status === 'rejected' ? codeOf(r.reason) : 'ok'));
        expect(codes.filter((c) => c === 'invalid_mfa_code').length).toBeLessThanOrEqual(10);
        expect(codes.filter((c) => c === 'account_locked').length).toBeGreaterThanOrEqual(90);
      }, 120_000);

      it('regression (finding 2): the lock never ends a live session, and asks for proof of work after 3 failures', async () => {
        const { counter, nodes, agent } = await setUp();
        const auth = (nodes[0] as { auth: AuthService }).auth;
        const { token } = await auth.login(agent.email, PASSWORD, '10.6.0.1');
        for (let i = 0; i < 3; i++)
          await expect(auth.login(agent.email, 'wrong', '10.6.1.1')).rejects.toThrow(ParleyError);
        // The fourth attempt, from anywhere, needs a solved challenge and costs no hash check.
        const before = counter.checks;
        await expect(auth.login(agent.email, 'wrong', '10.6.2.1')).rejects.toMatchObject({
          code: 'challenge_required',
        });
        expect(counter.checks).toBe(before);
        expect(await auth.authenticate(token)).toBeDefined();
      });
    },
  );
}
