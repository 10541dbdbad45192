import { chmodSync, mkdtempSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { startServer } from '../../main';
import { createStore } from '../../store';
import { seedAgent, seedOrg } from '../../../test/store-fixtures';
import { loadKeyring, open, seal, secretContext } from './keyring';

const mode = (path: string) => statSync(path).mode & 0o777;
const quiet = new Writable({ write: (_c, _e, cb) => cb() });

describe('secrets at rest (issue 10 finding 7)', () => {
  it('seals with AES-256-GCM bound to its row, and refuses clear or moved values', () => {
    const keyring = loadKeyring({ dataDir: mkdtempSync(join(tmpdir(), 'parley-keys-')) });
    const sealed = seal(keyring, 'JBSWY3DPEHPK3PXP', secretContext.totp('a1'));
    expect(sealed).toMatch(/^enc:v1:/);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(open(keyring, sealed, secretContext.totp('a1'))).toBe('JBSWY3DPEHPK3PXP');
    expect(() => open(keyring, sealed, secretContext.totp('a2'))).toThrow();
    expect(() => open(keyring, 'JBSWY3DPEHPK3PXP', secretContext.totp('a1'))).toThrow(/not sealed/);
    const other = loadKeyring({ dataDir: mkdtempSync(join(tmpdir(), 'parley-keys-')) });
    expect(() => open(other, sealed, secretContext.totp('a1'))).toThrow();
  });

  it('regression: a loose data directory becomes 0700 and its database, WAL, SHM and key files 0600; clear credentials are sealed at start', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'parley-perms-')), 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const file = join(dataDir, 'parley.db');
    // A database made by an earlier version, readable by everyone, with a TOTP secret in clear.
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    const old = await createStore({ kind: 'sqlite', file });
    await old.migrate();
    const org = await seedOrg(old);
    const agent = await seedAgent(old, org.id, 'admin');
    await old.security.setPendingSecret(org.id, agent.id, 'JBSWY3DPEHPK3PXP');
    await old.security.enableTotp(org.id, agent.id, 1);
    await old.security.updateSettings(org.id, { webhookSecret: 'clear-webhook-secret-123' }, 1);
    await old.close();

    const server = await startServer(
      loadConfig({ PARLEY_LOG_LEVEL: 'silent' }, { dataDir, port: 0, host: '127.0.0.1' }),
      { logDestination: quiet },
    );
    try {
      expect(mode(dataDir)).toBe(0o700);
      for (const f of ['parley.db', 'parley.db-wal', 'parley.db-shm', 'secrets.key', 'audit.key'])
        expect(mode(join(dataDir, f)), f).toBe(0o600);
      const row = await server.store.db
        .selectFrom('agent_mfa')
        .select('totp_secret')
        .where('agent_id', '=', agent.id)
        .executeTakeFirstOrThrow();
      expect(row.totp_secret).toMatch(/^enc:v1:/);
      const settings = await server.store.security.settings(org.id);
      expect(settings.webhookSecret).toMatch(/^enc:v1:/);
    } finally {
      await server.close();
    }
  });
});
