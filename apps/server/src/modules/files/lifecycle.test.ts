// Issue 13 item 6: files are covered by encryption at rest, export, retention and erasure, on both
// dialects and both storage drivers (the data directory, an S3-compatible bucket through the AWS SDK).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store';
import { AgentClient, newVisitor } from '../../../test/clients';
import { startClamd, type TestClamd } from '../../../test/clamd';
import { putFile } from '../../../test/files-kit';
import { storeTargets, suiteName } from '../../../test/store-fixtures';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { createRetentionService } from '../retention';
import { createLogger } from '../../logger';
import { createDataKeySealer } from './sealer';

const S3rver = createRequire(import.meta.url)('s3rver') as new (opts: Record<string, unknown>) => {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
};
const DAY = 86_400_000;

/** Letters only: a marker that cannot be mistaken for (or masked as) a number. */
const marker = () =>
  `PLAINTEXT${randomBytes(8)
    .toString('hex')
    .replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)] ?? 'g')}`;

/** Every regular file under `dir` (the SQLite database, its -wal and -shm, file bytes, the bucket). */
function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}
const holding = (paths: string[], needle: string) =>
  paths.filter((p) => readFileSync(p).includes(Buffer.from(needle)));

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const drivers = ['disk', 's3'] as const;
let clamd: TestClamd;
beforeAll(async () => {
  clamd = await startClamd();
}, 60_000);
afterAll(async () => clamd?.close());

let s3Port = 20410;
for (const target of storeTargets())
  for (const driver of drivers)
    describe.skipIf(target.skipReason !== undefined)(
      suiteName(target, `file lifecycle (${driver})`),
      () => {
        let t: TestServer;
        let store: Store;
        let own: Store | undefined;
        let admin: AgentClient;
        let bucketDir: string | undefined;
        let s3: InstanceType<typeof S3rver> | undefined;
        beforeAll(async () => {
          const env: Record<string, string> = {
            PARLEY_CLAMD_SOCKET: clamd.socket,
            PARLEY_FILES_RETRY_SECONDS: '0.2',
            PARLEY_FILES_OCR: 'off',
          };
          if (driver === 's3') {
            bucketDir = mkdtempSync(join(tmpdir(), 'parley-bucket-'));
            s3 = new S3rver({
              port: (s3Port += 1),
              address: '127.0.0.1',
              silent: true,
              directory: bucketDir,
              configureBuckets: [{ name: 'parley-files', configs: [] }],
            });
            const addr = await s3.run();
            process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
            process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
            Object.assign(env, {
              PARLEY_FILES_S3_BUCKET: 'parley-files',
              PARLEY_FILES_S3_ENDPOINT: `http://127.0.0.1:${addr.port}`,
              PARLEY_FILES_S3_REGION: 'us-east-1',
            });
          }
          // SQLite: the server's own database in its data directory (so the search covers it).
          own = target.name === 'postgres' ? await target.create() : undefined;
          t = await startTestServer({ ...(own ? { store: own } : {}), logLevel: 'warn', env });
          store = t.server.store;
          const creds = await t.createAgent('admin');
          admin = new AgentClient(t.url);
          await admin.login(creds.email, creds.password);
        }, 60_000);
        afterAll(async () => {
          await t?.close();
          await own?.close();
          await s3?.close();
          if (bucketDir) rmSync(bucketDir, { recursive: true, force: true });
        });

        /** Where this driver keeps file bytes. */
        const bytesRoot = () => (driver === 's3' ? (bucketDir ?? '') : join(t.dataDir, 'files'));
        // s3rver keeps an object's bytes in `<key>._S3rver_object`, beside its metadata.
        const storedOf = (fileId: string) =>
          walk(bytesRoot()).filter(
            (p) => p.includes(fileId) && (driver === 'disk' || p.endsWith('._S3rver_object')),
          );

        async function uploaded(text: string) {
          const v = await newVisitor(t.url, t.orgKey);
          const up = await putFile(
            t.url,
            `/conversations/${v.conversationId}/files`,
            { bearer: v.token },
            Buffer.from(`order notes\n${text}\n`),
            'notes.txt',
          );
          expect(up.status).toBe(201);
          const id = up.body.file?.id ?? '';
          await until('the file to be available', async () =>
            (await store.files.byId(t.orgId, id))?.status === 'available' ? true : undefined,
          );
          return { v, id };
        }

        it('no plaintext of an uploaded file is in the data directory (SQLite and its WAL included) or the bucket', async () => {
          const secret = marker();
          const { id } = await uploaded(secret);
          const everything = [...walk(t.dataDir), ...(bucketDir ? walk(bucketDir) : [])];
          // The search covers the stored copy and, on SQLite, the database and its WAL.
          expect(storedOf(id).length).toBeGreaterThan(0);
          if (target.name === 'sqlite')
            expect(everything.some((p) => p.endsWith('-wal'))).toBe(true);
          expect(holding(everything, secret)).toEqual([]);
          // The downloaded file does hold it: the search would have found a plain copy.
          const link = (await (await admin.request('GET', `/api/files/${id}/link`)).json()) as {
            url: string;
          };
          expect(await (await fetch(`${t.url}${link.url}`)).text()).toContain(secret);
        });

        it('the privacy export lists a visitor\u2019s files', async () => {
          const { v, id } = await uploaded(marker());
          const res = await admin.request('POST', '/api/privacy/export', {
            visitorId: v.visitorId,
          });
          expect(res.status).toBe(200);
          const body = (await res.json()) as {
            visitors: {
              conversations: { files: { id: string; name: string; type: string }[] }[];
            }[];
          };
          expect(body.visitors.flatMap((x) => x.conversations.flatMap((c) => c.files))).toEqual([
            expect.objectContaining({ id, name: 'notes.txt', type: 'text/plain' }),
          ]);
        });

        it('admin erasure deletes the file bytes and rows, and a copy kept from before (a backup) no longer opens', async () => {
          const { v, id } = await uploaded(marker());
          const ctx = { orgId: t.orgId, conversationId: v.conversationId, fileId: id };
          // A copy of the stored bytes, as a backup would hold them.
          const sealed = storedOf(id).map((p) => readFileSync(p));
          expect(sealed).toHaveLength(1);
          const sealer = createDataKeySealer(store.dataKeys);
          const copy = sealed[0] ?? Buffer.alloc(0);
          expect((await sealer.open(ctx, copy)).toString()).toContain('order notes');
          const res = await admin.request('POST', '/api/privacy/erase', {
            conversationId: v.conversationId,
            confirm: true,
          });
          expect(res.status).toBe(200);
          expect(((await res.json()) as { erased: { files: number } }).erased.files).toBe(1);
          expect(await store.files.byId(t.orgId, id)).toBeUndefined();
          expect(storedOf(id)).toEqual([]);
          // Crypto-shredding: the conversation's data key is gone, so the old copy stays sealed.
          await expect(sealer.open(ctx, copy)).rejects.toThrow();
        });

        it('consent withdrawal (erase policy) deletes the visitor\u2019s file bytes and rows', async () => {
          const put = await admin.request('PUT', '/api/settings/consent', {
            required: false,
            text: 'We keep this chat so we can help you with your question.',
            privacyUrl: null,
            onWithdrawal: 'erase',
          });
          expect(put.status).toBe(200);
          const { v, id } = await uploaded(marker());
          expect(storedOf(id).length).toBeGreaterThan(0);
          const res = await fetch(`${t.url}/api/visitor/consent/withdraw`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${v.token}` },
            body: JSON.stringify({ conversationId: v.conversationId }),
          });
          expect(await res.json()).toEqual({ outcome: 'erased' });
          expect(await store.files.byId(t.orgId, id)).toBeUndefined();
          expect(storedOf(id)).toEqual([]);
        });

        it('retention deletes a file older than the organisation keeps files: bytes and row', async () => {
          const old = await uploaded(marker());
          const recent = await uploaded(marker());
          await store.db
            .updateTable('files')
            .set({ created_at: Date.now() - 40 * DAY })
            .where('id', '=', old.id)
            .execute();
          await store.retention.save(
            t.orgId,
            {
              conversationDays: null,
              conversationAction: 'delete',
              fileDays: 30,
              securityEventDays: null,
              auditDays: null,
            },
            'test',
            Date.now(),
          );
          const retention = createRetentionService({
            store,
            log: createLogger('silent'),
            files: t.server.files,
          });
          expect(await retention.runOnce('node-a')).toMatchObject({ complete: true });
          expect(await store.files.byId(t.orgId, old.id)).toBeUndefined();
          expect(storedOf(old.id)).toEqual([]);
          expect((await store.files.byId(t.orgId, recent.id))?.status).toBe('available');
          expect(storedOf(recent.id).length).toBeGreaterThan(0);
        });
      },
    );
