import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');

/** A free TCP port on 127.0.0.1 (the server must know the vault's URL before either starts). */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

export interface EdgeSecretsPair {
  /** Server → vault (PARLEY_VAULT_SECRET_OUT = VAULT_SIGNING_SECRET_IN). */
  serverToVault: string;
  /** Vault → server (PARLEY_VAULT_SECRET_IN = VAULT_SIGNING_SECRET_OUT). */
  vaultToServer: string;
}

export function newEdgeSecrets(): EdgeSecretsPair {
  return {
    serverToVault: randomBytes(32).toString('base64url'),
    vaultToServer: randomBytes(32).toString('base64url'),
  };
}

/** The server's environment for talking to a vault at `vaultUrl`. */
export function serverVaultEnv(vaultUrl: string, secrets: EdgeSecretsPair): Record<string, string> {
  return {
    PARLEY_VAULT_URL: vaultUrl,
    PARLEY_VAULT_SECRET_OUT: secrets.serverToVault,
    PARLEY_VAULT_SECRET_IN: secrets.vaultToServer,
  };
}

export interface VaultProcess {
  url: string;
  port: number;
  dataDir: string;
  /** Every line the vault wrote on stdout and stderr. */
  logs: string[];
  child: ChildProcess;
  /** SIGTERM and wait; the data dir stays until `dispose()`. */
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * Runs the real vault as its own process, exactly as `parley start` does
 * (nothing outside apps/vault imports vault code), and resolves once it
 * prints `vault listening on <url>`.
 */
export async function startVaultProcess(opts: {
  port: number;
  serverUrl: string;
  serverPublicUrl?: string;
  secrets: EdgeSecretsPair;
  dataDir?: string;
  env?: Record<string, string>;
}): Promise<VaultProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'parley-vault-'));
  const logs: string[] = [];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(ROOT, 'apps/vault/src/main.ts')],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        VAULT_PORT: String(opts.port),
        VAULT_HOST: '127.0.0.1',
        VAULT_DATA_DIR: dataDir,
        VAULT_SERVER_URL: opts.serverUrl,
        VAULT_SERVER_PUBLIC_URL: opts.serverPublicUrl ?? opts.serverUrl,
        VAULT_SIGNING_SECRET_IN: opts.secrets.serverToVault,
        VAULT_SIGNING_SECRET_OUT: opts.secrets.vaultToServer,
        VAULT_LOG_LEVEL: 'info',
        ...opts.env,
      },
    },
  );
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`vault did not start:\n${logs.join('')}`)),
      30_000,
    );
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      logs.push(text);
      const m = /vault listening on (\S+)/.exec(text);
      if (m?.[1]) {
        clearTimeout(timer);
        res(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => logs.push(c.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`vault exited with ${code}:\n${logs.join('')}`));
    });
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return {
    url,
    port: opts.port,
    dataDir,
    logs,
    child,
    stop,
    async dispose() {
      await stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
