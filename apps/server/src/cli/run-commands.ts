import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { Config } from '../config';
import { startServer } from '../main';
import { bootstrap } from './bootstrap';
import { cliConfig, fail, type CliValues } from './common';
import { vaultCommand } from './layout';
import { revealOneTimePassword } from './one-time-password';
import { browserHost, embeddedVault, ensureEdgeSecrets } from './secrets';
import { superviseVault, type VaultSupervisor } from './vault-supervisor';

function onShutdown(fn: () => Promise<void>): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    fn().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Starts the vault as its own process (it never shares memory or code with the server). */
function spawnVault(
  cfg: Config,
  port: number,
  serverUrl: string,
  serverPublicUrl: string = serverUrl,
): ChildProcess {
  const secrets = ensureEdgeSecrets(cfg.dataDir);
  const { args, cwd } = vaultCommand();
  return spawn(process.execPath, args, {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      VAULT_PORT: String(port),
      VAULT_HOST: cfg.host,
      VAULT_PUBLIC_URL: process.env.VAULT_PUBLIC_URL ?? `http://${browserHost(cfg.host)}:${port}`,
      VAULT_DATA_DIR: resolve(cfg.dataDir, 'vault'),
      VAULT_SERVER_URL: serverUrl,
      // The pay window posts its courtesy message to the chat's origin as browsers see it.
      VAULT_SERVER_PUBLIC_URL: process.env.VAULT_SERVER_PUBLIC_URL ?? serverPublicUrl,
      VAULT_SIGNING_SECRET_IN: secrets.serverToVault,
      VAULT_SIGNING_SECRET_OUT: secrets.vaultToServer,
    },
  });
}

/** `parley start` (bootstrap, server and vault) and `parley server` (one node). */
export async function serveCommand(command: 'start' | 'server', values: CliValues): Promise<void> {
  let cfg = cliConfig(values);
  if (command === 'start' && !cfg.vaultUrl) {
    // Embedded: the vault runs next door on the next port up, with secrets from the data directory.
    cfg = { ...cfg, ...embeddedVault(cfg) };
  }
  const server = await startServer(cfg, { processGuards: true });
  let vault: VaultSupervisor | undefined;
  if (command === 'start') {
    const { orgKey, admin } = await bootstrap(server.store, {
      publicOrigin: new URL(server.url).origin,
    });
    const host = browserHost(cfg.host);
    // A vault that dies is started again (vault-supervisor.ts).
    vault = superviseVault(
      () => spawnVault(cfg, server.port + 1, `http://${host}:${server.port}`, server.url),
      server.log,
    );
    // However this process ends (a drain after an escaped error exits 70 without SIGTERM), its
    // vault goes with it: the restarted server starts a fresh one on the same port.
    const supervised = vault;
    process.once('exit', () => supervised.stop());
    const lines = [
      '',
      `  Parley is running (${server.store.dialect}, ${cfg.redisUrl ? 'redis' : 'in-process'} bus, test payment gateway).`,
      `  Console:    ${server.url}/`,
      `  Demo page:  ${server.url}/demo?org=${orgKey}`,
      `  Vault:      http://${host}:${server.port + 1}/`,
    ];
    // Issue 10 finding 8: stdout is the log stream; the password goes to the
    // terminal or a 0600 file, and stdout says only where. One write: a reader
    // (a supervisor relaying it, a test) never sees half of the banner.
    if (admin)
      lines.push(
        '',
        `  First run: admin account ${admin.email}`,
        revealOneTimePassword(admin, { dataDir: cfg.dataDir }),
      );
    process.stdout.write(`${lines.join('\n')}\n`);
    process.stdout.write('\n');
  }
  onShutdown(async () => {
    vault?.stop();
    await server.close();
  });
}

/** `parley vault`: the vault alone. */
export function vaultAloneCommand(values: CliValues): void {
  const cfg = cliConfig(values);
  const vault = spawnVault(
    cfg,
    cfg.port,
    process.env.VAULT_SERVER_URL ?? `http://localhost:${cfg.port - 1}`,
  );
  vault.on('error', (err) => fail(`the vault could not start: ${err.message}`, 1));
  vault.on('exit', (code) => process.exit(code ?? 0));
  onShutdown(async () => void vault.kill('SIGTERM'));
}
