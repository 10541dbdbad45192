import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../logger';
import type { Store } from '../../store';
import type { Keyring } from '../security';
import { anchorLegacyChains, writeCheckpoints } from './checkpoint';
import type { VerifyOptions } from './verify';

export interface AuditAnchorConfig {
  dataDir: string;
  auditKey?: string | undefined;
  auditCheckpointFile?: string | undefined;
}

export const checkpointFileOf = (c: AuditAnchorConfig) =>
  c.auditCheckpointFile ?? join(c.dataDir, 'audit-checkpoints.jsonl');

/**
 * What `parley audit verify` needs: the key (never created here: a verifier
 * that made up a new key would call every entry forged) and the checkpoints.
 */
export function auditVerifyOptions(c: AuditAnchorConfig): VerifyOptions {
  let text = c.auditKey;
  const file = join(c.dataDir, 'audit.key');
  if (!text && existsSync(file)) text = readFileSync(file, 'utf8');
  if (!text) throw new Error(`no audit key: set PARLEY_AUDIT_KEY or keep ${file}`);
  const t = text.trim();
  const auditKey = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64url');
  return { auditKey, checkpointFile: checkpointFileOf(c) };
}

export interface AuditAnchor {
  /** Writes a checkpoint of every chain that moved; returns how many. */
  checkpoint(): Promise<number>;
  stop(): Promise<void>;
}

/** Anchors legacy chains once, then writes signed checkpoints every `intervalMs` and at stop. */
export async function startAuditAnchor(deps: {
  store: Store;
  keyring: Keyring;
  file: string;
  intervalMs: number;
  log: Logger;
}): Promise<AuditAnchor> {
  const { store, keyring, file, log } = deps;
  const anchored = await anchorLegacyChains(store, keyring.auditKey, file);
  if (anchored > 0)
    log.warn({ chains: anchored }, 'audit chains written before keying were anchored');
  let running: Promise<number> | undefined;
  const checkpoint = () =>
    (running ??= writeCheckpoints(store, keyring.auditKey, file).finally(() => {
      running = undefined;
    }));
  const timer = setInterval(() => {
    checkpoint().catch((err: unknown) =>
      log.error({ err: err instanceof Error ? err.message : 'unknown' }, 'audit checkpoint failed'),
    );
  }, deps.intervalMs);
  timer.unref();
  return {
    checkpoint,
    async stop() {
      clearInterval(timer);
      await checkpoint().catch(() => 0);
    },
  };
}
