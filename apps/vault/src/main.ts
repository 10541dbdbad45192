/**
 * The vault process: `node --import tsx apps/vault/src/main.ts`. Reads its
 * config from the environment, prints `vault listening on <url>`, stops on
 * SIGTERM/SIGINT. The server's CLI spawns this; it never imports it.
 */
import { ConfigError, parseVaultEnv } from './config';
import { startVault } from './vault';

async function main(): Promise<void> {
  let config;
  try {
    config = parseVaultEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const vault = await startVault(config);
  console.log(`vault listening on ${vault.url}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    vault.context.log.info({ signal }, 'vault stopping');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    vault.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`vault failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
