import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config';

export interface EdgeSecrets {
  /** Signs server → vault calls. */
  serverToVault: string;
  /** Signs vault → server events. */
  vaultToServer: string;
}

/**
 * The embedded first-run bootstrap is the only place secrets get defaults: it
 * generates them once into the data directory (mode 0600). Production sets
 * PARLEY_VAULT_SECRET_OUT / PARLEY_VAULT_SECRET_IN instead.
 */
export function ensureEdgeSecrets(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): EdgeSecrets {
  if (env.PARLEY_VAULT_SECRET_OUT && env.PARLEY_VAULT_SECRET_IN) {
    return {
      serverToVault: env.PARLEY_VAULT_SECRET_OUT,
      vaultToServer: env.PARLEY_VAULT_SECRET_IN,
    };
  }
  const file = join(dataDir, 'edge-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as EdgeSecrets;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secrets: EdgeSecrets = {
    serverToVault: randomBytes(32).toString('base64url'),
    vaultToServer: randomBytes(32).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600, flag: 'wx' });
  return secrets;
}

/** How a browser (and a local client) reaches a server bound to `host`. */
export const browserHost = (host: string): string => (host === '0.0.0.0' ? 'localhost' : host);

/**
 * `parley start`'s embedded vault: next door on the next port up, with the data directory's
 * secrets. The server of `parley start` and `parley data erase` reach it the same way.
 */
export function embeddedVault(cfg: Pick<Config, 'dataDir' | 'host' | 'port'>): {
  vaultUrl: string;
  vaultSecretOut: string;
  vaultSecretIn: string;
} {
  const secrets = ensureEdgeSecrets(cfg.dataDir);
  return {
    vaultUrl: `http://${browserHost(cfg.host)}:${cfg.port + 1}`,
    vaultSecretOut: secrets.serverToVault,
    vaultSecretIn: secrets.vaultToServer,
  };
}
