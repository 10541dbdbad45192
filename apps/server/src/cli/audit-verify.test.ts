import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureDist, ROOT } from './test-dist';
import { createStore } from '../store';
import { audit } from '../modules/audit';
import { bindKeyring, loadKeyring } from '../modules/security';

const dir = mkdtempSync(join(tmpdir(), 'parley-audit-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function verify() {
  const env: NodeJS.ProcessEnv = { ...process.env, PARLEY_LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  return spawnSync(process.execPath, [BIN, 'audit', 'verify', '--data-dir', dir], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

beforeAll(ensureDist, 200_000);

describe('parley audit verify', () => {
  it('exits 0 on an intact log, non-zero naming an edited, a deleted and a reordered entry', async () => {
    const store = await createStore({ kind: 'sqlite', file: join(dir, 'parley.db') });
    await store.migrate();
    // The chain is keyed with the data directory's audit.key, which the CLI reads.
    bindKeyring(store, loadKeyring({ dataDir: dir }));
    const org = await store.orgs.create({ name: 'Acme', allowedOrigins: [] });
    for (let i = 0; i < 6; i++) {
      await audit.record(store, {
        orgId: org.id,
        actor: { kind: 'system', id: null },
        action: 'test.entry',
        outcome: 'success',
        detail: { i },
      });
    }
    let r = verify();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('audit log intact: 6 entries');

    await store.db
      .updateTable('audit_log')
      .set({ action: 'test.forged' })
      .where('seq', '=', 2)
      .execute();
    r = verify();
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/entry 2 was edited/);

    // Swap the content of entries 4 and 5 (a reordering), keeping their positions.
    const rows = await store.audit.chain(org.id, 3, 2);
    const [e4, e5] = rows;
    if (!e4 || !e5) throw new Error('missing rows');
    await store.db.deleteFrom('audit_log').where('seq', 'in', [4, 5]).execute();
    const row = (e: typeof e4, seq: number) => ({
      org_id: e.orgId,
      seq,
      id: e.id,
      at: e.at,
      actor_kind: e.actorKind,
      actor_id: e.actorId,
      action: e.action,
      outcome: e.outcome,
      ip: e.ip,
      resource_type: e.resourceType,
      resource_id: e.resourceId,
      detail: e.detail,
      prev_hash: e.prevHash,
      hash: e.hash,
    });
    await store.db
      .insertInto('audit_log')
      .values([row(e5, 4), row(e4, 5)])
      .execute();
    r = verify();
    expect(r.stdout).toMatch(/entry 4/);
    expect(r.stdout).toMatch(/entry 5/);

    await store.db.deleteFrom('audit_log').where('seq', '=', 3).execute();
    r = verify();
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/entry 3 is missing/);
    await store.close();
  });
});
