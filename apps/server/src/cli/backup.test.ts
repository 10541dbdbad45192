import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureDist, ROOT } from './test-dist';
import { backup, restore } from './backup';
import { BackupFormatError } from './backup-archive';
import { createStore } from '../store';
import { startTestServer, type TestServer } from '../../test/test-server';
import { newVisitor, visitorSocket } from '../../test/clients';

const work = mkdtempSync(join(tmpdir(), 'parley-backup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PARLEY_LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  return env;
}

function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: cliEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The messages of a data directory's store, opened with that directory's data.key (law 9). */
async function messagesOf(
  dataDir: string,
): Promise<{ conversation_id: string; seq: number; body: string }[]> {
  const db = new Database(join(dataDir, 'parley.db'), { readonly: true });
  let rows: { conversation_id: string; seq: number; body: string }[];
  try {
    rows = db
      .prepare(
        'SELECT conversation_id, seq, text AS body FROM messages ORDER BY conversation_id, seq',
      )
      .all() as { conversation_id: string; seq: number; body: string }[];
  } finally {
    db.close();
  }
  const store = await createStore({ kind: 'sqlite', file: join(dataDir, 'parley.db') });
  try {
    const kek = Buffer.from(readFileSync(join(dataDir, 'data.key'), 'utf8').trim(), 'base64url');
    store.dataKeys.useKeks([kek]);
    const bodies = await store.dataKeys.openMany(rows.map((r) => r.body));
    return rows.map((r, i) => ({ ...r, body: bodies[i] ?? '' }));
  } finally {
    await store.close();
  }
}

beforeAll(ensureDist, 200_000);

describe('parley backup and restore', () => {
  let srv: TestServer;
  beforeAll(async () => {
    // The load below sends each next message on the ack of the last, faster than a visitor's
    // per-socket frame limit (30 burst, 10/s), which would close the sockets mid-test.
    srv = await startTestServer({
      logLevel: 'warn',
      env: { PARLEY_WS_RATE_BURST: '100000', PARLEY_WS_RATE_PER_SECOND: '100000' },
    });
  });
  afterAll(async () => srv?.close());

  it('snapshots a running installation under load; the restore holds every message acknowledged before it began', async () => {
    const visitors = await Promise.all(
      [0, 1, 2].map(async () => {
        const v = await newVisitor(srv.url, srv.orgKey);
        return { ...v, socket: await visitorSocket(srv.url, v.token) };
      }),
    );
    // Load: each visitor sends back to back, each next message after the ack of the last.
    const acked = new Map<string, number>();
    let stop = false;
    const senders = visitors.map(async (v, i) => {
      for (let n = 1; !stop; n += 1) {
        const clientMsgId = `load-${i}-${n}`;
        v.socket.send({
          type: 'send',
          clientMsgId,
          conversationId: v.conversationId,
          text: `load ${i} message ${n}`,
        });
        const ack = await v.socket.next('ack', (f) => f.clientMsgId === clientMsgId, 10_000);
        acked.set(v.conversationId, ack.seq);
      }
    });
    while ([...acked.values()].reduce((a, b) => a + b, 0) < 60)
      await new Promise((r) => setImmediate(r));
    const ackedBefore = new Map(acked);

    const out = join(work, 'load.parleybackup');
    const keys = join(work, 'load.keys.json');
    const b = await run(['backup', '--data-dir', srv.dataDir, '--out', out, '--keys', keys]);
    const ackedDuring =
      [...acked.values()].reduce((a, c) => a + c, 0) -
      [...ackedBefore.values()].reduce((a, c) => a + c, 0);
    stop = true;
    await Promise.all(senders);
    expect(b.stderr).toBe('');
    expect(b.status).toBe(0);
    expect(b.stdout).toMatch(/backup \S+ written: .*encrypted/);
    expect(b.stdout).toContain('database parley.db');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(statSync(keys).mode & 0o777).toBe(0o600);
    // Writers were not blocked while the snapshot ran.
    expect(ackedDuring).toBeGreaterThan(0);

    // Encrypted: neither a message text nor a key file's content is readable in the archive.
    const raw = readFileSync(out);
    expect(raw.includes(Buffer.from('load 0 message 1'))).toBe(false);
    expect(raw.includes(Buffer.from('SQLite format 3'))).toBe(false);
    const auditKey = readFileSync(join(srv.dataDir, 'audit.key'), 'utf8');
    expect(raw.includes(Buffer.from(auditKey))).toBe(false);
    // The keys went to the key file, apart.
    const keyFile = JSON.parse(readFileSync(keys, 'utf8')) as { secrets: Record<string, string> };
    expect(keyFile.secrets['audit.key']).toBe(auditKey);

    const target = join(work, 'restored');
    const r = await run([
      'restore',
      '--from',
      out,
      '--keys',
      keys,
      '--data-dir',
      target,
      '--data-keys-from',
      srv.dataDir,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/database parley\.db .*integrity ok/);
    expect(statSync(target).mode & 0o777).toBe(0o700);
    expect(statSync(join(target, 'parley.db')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(target, 'audit.key'), 'utf8')).toBe(auditKey);
    // The data key-encryption key travels in the key file too, never in the archive.
    const dataKek = readFileSync(join(srv.dataDir, 'data.key'), 'utf8');
    expect(keyFile.secrets['data.key']).toBe(dataKek);
    expect(raw.includes(Buffer.from(dataKek))).toBe(false);
    expect(readFileSync(join(target, 'data.key'), 'utf8')).toBe(dataKek);

    // Compare: the restored messages are, per conversation, seq 1..n without a gap,
    // identical to the live store's, and include everything acked before the backup.
    const live = await messagesOf(srv.dataDir);
    const restored = await messagesOf(target);
    // Opened with the restored data.key: clear text again (digits held by the masker, law 1).
    expect(restored.some((m) => /^load \S+ message \S+$/.test(m.body))).toBe(true);
    const liveByKey = new Map(live.map((m) => [`${m.conversation_id}/${m.seq}`, m.body]));
    for (const v of visitors) {
      const seqs = restored.filter((m) => m.conversation_id === v.conversationId).map((m) => m.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      expect(seqs.length).toBeGreaterThanOrEqual(ackedBefore.get(v.conversationId) ?? 0);
    }
    for (const m of restored) expect(liveByKey.get(`${m.conversation_id}/${m.seq}`)).toBe(m.body);

    // The restored audit log verifies with the restored key.
    const verify = spawnSync(process.execPath, [BIN, 'audit', 'verify', '--data-dir', target], {
      cwd: ROOT,
      env: cliEnv(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(verify.stdout).toMatch(/audit log intact/);
    expect(verify.status).toBe(0);
    for (const v of visitors) v.socket.close();
  }, 120_000);

  it('crypto-shredding reaches backups: a conversation erased after the backup stays unreadable when it is restored', async () => {
    // Letters only: digits glued to letters are held by the masker (a possible piece of a card).
    const tag = randomBytes(6)
      .toString('hex')
      .replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)] ?? 'g');
    const keep = `this one stays readable ${tag}`;
    const gone = `this one is erased later ${tag}`;
    const send = async (text: string) => {
      const v = await newVisitor(srv.url, srv.orgKey);
      const s = await visitorSocket(srv.url, v.token);
      s.send({ type: 'send', clientMsgId: 'x', conversationId: v.conversationId, text });
      await s.next('ack', (f) => f.clientMsgId === 'x');
      s.close();
      return v.conversationId;
    };
    const kept = await send(keep);
    const erased = await send(gone);
    const out = join(work, 'shred.parleybackup');
    const keys = join(work, 'shred.keys.json');
    const b = await run(['backup', '--data-dir', srv.dataDir, '--out', out, '--keys', keys]);
    expect(b.status).toBe(0);
    expect(b.stdout).toMatch(/not included: data keys/);

    // After the backup: the conversation is erased (its data key destroyed).
    await srv.server.store.privacy.erase(
      srv.orgId,
      { conversationIds: [erased], visitorIds: [] },
      Date.now(),
    );

    const target = join(work, 'shred-restored');
    const r = await run([
      'restore',
      '--from',
      out,
      '--keys',
      keys,
      '--data-dir',
      target,
      '--data-keys-from',
      srv.dataDir,
    ]);
    expect(r.status).toBe(0);
    const restored = await messagesOf(target);
    const body = (c: string) => restored.find((m) => m.conversation_id === c)?.body;
    // The backup still holds the erased conversation's ciphertext, but nothing opens it.
    const raw = new Database(join(target, 'parley.db'), { readonly: true });
    try {
      const row = raw.prepare('SELECT text FROM messages WHERE conversation_id = ?').get(erased) as
        { text: string } | undefined;
      expect(row?.text).toMatch(/^dk1\./);
    } finally {
      raw.close();
    }
    expect(body(kept)).toBe(keep);
    expect(body(erased)).toBe('');
    // And with no key source at all, nothing in the backup is readable.
    const bare = join(work, 'shred-bare');
    expect((await run(['restore', '--from', out, '--keys', keys, '--data-dir', bare])).status).toBe(
      0,
    );
    expect((await messagesOf(bare)).every((m) => m.body === '')).toBe(true);
  }, 120_000);

  it('refuses a wrong key file, an edited byte, a truncated archive, a non-empty target and an existing output', async () => {
    const dataDir = join(work, 'small');
    const first = await backup({
      dataDir: srv.dataDir,
      out: join(work, 'a.bk'),
      keys: join(work, 'a.keys'),
    });
    await backup({ dataDir: srv.dataDir, out: join(work, 'b.bk'), keys: join(work, 'b.keys') });
    expect(first.files.map((f) => f.path)).toContain('parley.db');

    await expect(
      restore({ archive: join(work, 'a.bk'), keys: join(work, 'b.keys'), dataDir }),
    ).rejects.toThrow(/belongs to backup/);
    // Same backup id, wrong key: the key check refuses it.
    const wrong = JSON.parse(readFileSync(join(work, 'a.keys'), 'utf8')) as { key: string };
    wrong.key = Buffer.alloc(32, 7).toString('base64url');
    writeFileSync(join(work, 'wrong.keys'), JSON.stringify(wrong));
    await expect(
      restore({ archive: join(work, 'a.bk'), keys: join(work, 'wrong.keys'), dataDir }),
    ).rejects.toThrow(/does not belong/);

    const bytes = readFileSync(join(work, 'a.bk'));
    const edited = Buffer.from(bytes);
    const at = bytes.length - 100;
    edited[at] = (edited[at] ?? 0) ^ 0x01;
    writeFileSync(join(work, 'edited.bk'), edited);
    await expect(
      restore({ archive: join(work, 'edited.bk'), keys: join(work, 'a.keys'), dataDir }),
    ).rejects.toThrow(BackupFormatError);
    // Cut at a chunk boundary of a multi-chunk archive and inside one: both refused.
    writeFileSync(join(work, 'cut.bk'), bytes.subarray(0, bytes.length - 10));
    await expect(
      restore({ archive: join(work, 'cut.bk'), keys: join(work, 'a.keys'), dataDir }),
    ).rejects.toThrow(/truncated|damaged/);
    const handle = await open(join(work, 'a.bk'), 'r');
    const headerLength = (await handle.read(Buffer.alloc(4), 0, 4, 9)).buffer.readUInt32BE();
    const firstRecord = 13 + headerLength;
    const firstLength = (
      await handle.read(Buffer.alloc(4), 0, 4, firstRecord)
    ).buffer.readUInt32BE();
    await handle.close();
    if (firstRecord + 4 + firstLength < bytes.length) {
      writeFileSync(join(work, 'chunk-cut.bk'), bytes.subarray(0, firstRecord + 4 + firstLength));
      await expect(
        restore({ archive: join(work, 'chunk-cut.bk'), keys: join(work, 'a.keys'), dataDir }),
      ).rejects.toThrow(/truncated|damaged/);
    }
    // Nothing half-restored was left behind by the failures.
    expect(existsSync(dataDir)).toBe(false);

    await expect(
      restore({ archive: join(work, 'a.bk'), keys: join(work, 'a.keys'), dataDir: srv.dataDir }),
    ).rejects.toThrow(/not empty/);
    await expect(
      backup({ dataDir: srv.dataDir, out: join(work, 'a.bk'), keys: join(work, 'c.keys') }),
    ).rejects.toThrow(/exists already/);
    const ok = await restore({ archive: join(work, 'a.bk'), keys: join(work, 'a.keys'), dataDir });
    expect(ok.files.length).toBe(first.files.length);
  }, 60_000);

  it('spans several chunks: a database larger than one chunk comes back byte for byte', async () => {
    const dir = join(work, 'big-src');
    mkdirSync(dir, { recursive: true });
    const db = new Database(join(dir, 'parley.db'));
    db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, b BLOB)');
    const insert = db.prepare('INSERT INTO blobs (b) VALUES (?)');
    for (let i = 0; i < 40; i++) insert.run(Buffer.alloc(100_000, i));
    db.close();
    writeFileSync(join(dir, 'secrets.key'), 'k'.repeat(43), { mode: 0o600 });
    const s = await backup({
      dataDir: dir,
      out: join(work, 'big.bk'),
      keys: join(work, 'big.keys'),
    });
    expect(s.archiveBytes).toBeGreaterThan(3 * 1024 * 1024);
    expect(s.keys).toEqual(['secrets.key']);
    await restore({
      archive: join(work, 'big.bk'),
      keys: join(work, 'big.keys'),
      dataDir: join(work, 'big-dst'),
    });
    const back = new Database(join(work, 'big-dst', 'parley.db'), { readonly: true });
    const rows = back.prepare('SELECT id, b FROM blobs ORDER BY id').all() as {
      id: number;
      b: Buffer;
    }[];
    back.close();
    expect(rows).toHaveLength(40);
    rows.forEach((r, i) => expect(r.b.equals(Buffer.alloc(100_000, i))).toBe(true));
    expect(readFileSync(join(work, 'big-dst', 'secrets.key'), 'utf8')).toBe('k'.repeat(43));
  });

  it('the CLI says what is missing and exits non-zero', async () => {
    const r = await run(['backup', '--data-dir', srv.dataDir, '--out', join(work, 'x.bk')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--keys is where the backup key goes/);
    const missing = await run([
      'restore',
      '--from',
      join(work, 'nope.bk'),
      '--keys',
      join(work, 'a.keys'),
      '--data-dir',
      join(work, 'nope'),
    ]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no backup at/);
  });
});
