// Issue 12 item 6: `parley data erase` (the compiled CLI) reaches the vault like the console's
// erasure: the conversation's payment records there are anonymised first, and a vault that
// cannot be reached stops the command with nothing erased (or --without-vault erases the chat
// data alone).
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedFetch } from '@parley/signing';
import { BIN, ensureDist, ROOT } from './test-dist';
import { serverVaultEnv } from '../../test/vault-process';
import { chatWithVisitor, requestPayment, startServerWithVault } from '../../test/payment-flow';

beforeAll(ensureDist, 200_000);

describe('parley data erase and the vault', () => {
  let env: Awaited<ReturnType<typeof startServerWithVault>>;
  beforeAll(async () => {
    env = await startServerWithVault({ logLevel: 'warn' });
  }, 120_000);
  afterAll(async () => env?.close());

  const cli = (args: string[]) => {
    const vars: NodeJS.ProcessEnv = {
      ...process.env,
      ...serverVaultEnv(env.vault.url, env.secrets),
      PARLEY_LOG_LEVEL: 'warn',
    };
    delete vars.DATABASE_URL;
    return spawnSync(
      process.execPath,
      [BIN, 'data', 'erase', ...args, '--yes', '--data-dir', env.server.dataDir],
      { cwd: ROOT, env: vars, encoding: 'utf8', timeout: 60_000 },
    );
  };

  it('anonymises the payment records in the vault, then erases the conversation', async () => {
    const { agent, visitor } = await chatWithVisitor(env.server);
    const { body } = await requestPayment(agent, visitor.conversationId, {
      description: 'Order for Quentin',
    });
    const done = cli(['--conversation', visitor.conversationId]);
    expect(done.stderr).toBe('');
    expect(done.status).toBe(0);
    expect(done.stdout).toContain('1 payment record(s) anonymised in the vault');
    const summary = await signedFetch({
      secret: env.secrets.serverToVault,
      url: `${env.vault.url}/v1/payment-requests/${body.payment.id}`,
      method: 'GET',
    });
    expect(await summary.json()).toMatchObject({
      id: body.payment.id,
      status: 'canceled',
      amount: 1250,
      description: '',
      conversationId: '',
    });
    expect(
      await env.server.server.store.messages.after(env.server.orgId, visitor.conversationId, 0, 9),
    ).toEqual([]);
  });

  it('a vault that cannot be reached stops it with nothing erased; --without-vault erases the chat data', async () => {
    const { agentWs, visitor } = await chatWithVisitor(env.server);
    agentWs.send({
      type: 'send',
      clientMsgId: 'kept',
      conversationId: visitor.conversationId,
      text: 'kept until the vault answers',
    });
    await agentWs.next('ack', (f) => f.clientMsgId === 'kept');
    await env.vault.stop();
    const refused = cli(['--conversation', visitor.conversationId]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('could not be reached');
    expect(refused.stderr).toContain('nothing was erased');
    const messages = () =>
      env.server.server.store.messages.after(env.server.orgId, visitor.conversationId, 0, 9);
    expect(await messages()).toHaveLength(1);

    const chatOnly = cli(['--conversation', visitor.conversationId, '--without-vault']);
    expect(chatOnly.stderr).toBe('');
    expect(chatOnly.status).toBe(0);
    expect(chatOnly.stdout).not.toContain('anonymised in the vault');
    expect(await messages()).toEqual([]);
  });
});
