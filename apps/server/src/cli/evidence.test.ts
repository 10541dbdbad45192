import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { startTestServer } from '../../test/test-server';
import { newVisitor, visitorSocket } from '../../test/clients';
import { loadDataKeks, loadKeyring } from '../modules/security';
import { storeOptionsFor } from '../main';
import { createStore } from '../store';
import { runDoctor } from './doctor';
import { scanFilesForCards, writeEvidence } from './evidence';

/** `parley doctor --evidence` (issue 17 item 8): the bundle an assessor gets. */
let dataDir: string;
let out: string;
const config = () => loadConfig({ PARLEY_LOG_LEVEL: 'warn' }, { dataDir });
const read = <T>(name: string) => JSON.parse(readFileSync(join(out, name), 'utf8')) as T;

beforeAll(async () => {
  // An installation where a visitor typed a (documented test) card number, then stopped.
  const t = await startTestServer({ logLevel: 'warn' });
  dataDir = t.dataDir;
  const v = await newVisitor(t.url, t.orgKey, 'Evi Dence');
  const ws = await visitorSocket(t.url, v.token);
  await ws.resume(v.conversationId);
  ws.send({
    type: 'send',
    clientMsgId: 'ev-1',
    conversationId: v.conversationId,
    text: 'my card is 4111 1111 1111 1111 exp 12/30',
  });
  await ws.next('ack');
  ws.close();
  await t.server.close();
  out = mkdtempSync(join(tmpdir(), 'parley-evidence-'));
}, 60_000);
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

describe('the evidence bundle', () => {
  it('holds agents, policy, chain and a clean card scan, in files the manifest signs', async () => {
    const cfg = config();
    const { files, leaks } = await writeEvidence(cfg, out, await runDoctor(cfg));
    expect(leaks).toBe(0);
    expect(files).toEqual(
      expect.arrayContaining(['agents.json', 'security-policy.json', 'card-scan.json']),
    );
    const agents = read<{ agents: { role: string; factors: object }[] }[]>('agents.json');
    expect(agents[0]?.agents.some((a) => a.role === 'admin')).toBe(true);
    const scan = read<{
      storedMessages: { messages: number; leaks: unknown[] };
      rawFiles: { files: number; hits: unknown[] };
    }>('card-scan.json');
    expect(scan.storedMessages.messages).toBeGreaterThan(0);
    expect(scan.storedMessages.leaks).toEqual([]);
    expect(scan.rawFiles.files).toBeGreaterThan(0);
    expect(scan.rawFiles.hits).toEqual([]);
    expect(read<{ ok: boolean }>('audit-verification.json').ok).toBe(true);
    // The manifest names each file's hash and is signed with the audit key.
    const manifestText = readFileSync(join(out, 'manifest.json'), 'utf8');
    const manifest = JSON.parse(manifestText) as { files: { name: string; sha256: string }[] };
    for (const f of manifest.files)
      expect(
        createHash('sha256')
          .update(readFileSync(join(out, f.name)))
          .digest('hex'),
      ).toBe(f.sha256);
    const hmac = readFileSync(join(out, 'manifest.hmac'), 'utf8').trim();
    expect(
      createHmac('sha256', loadKeyring(cfg).auditKey).update(manifestText.trimEnd()).digest('hex'),
    ).toBe(hmac);
    // Nothing secret in it: no message text, no key.
    const all = files.map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
    expect(all).not.toContain('my card is');
    expect(all).not.toContain(loadKeyring(cfg).auditKey.toString('hex'));
  });

  it('finds a stored message the masker would still change (a masking bug), and fails', async () => {
    const cfg = config();
    const store = await createStore(storeOptionsFor(cfg));
    try {
      store.dataKeys.useKeks(loadDataKeks(cfg));
      const [conv] = await store.db.selectFrom('conversations').select(['id', 'org_id']).execute();
      if (!conv) throw new Error('no conversation');
      // Written past the masker, as a bug would: the store seals it, so only a decrypted scan sees it.
      await store.messages.appendBatch(
        [
          {
            orgId: conv.org_id,
            conversationId: conv.id,
            senderKind: 'agent',
            senderId: null,
            clientMsgId: 'bug-1',
            text: 'card 5555 5555 5555 4444',
            masked: [],
          },
        ],
        Date.now(),
      );
    } finally {
      await store.close();
    }
    const again = mkdtempSync(join(tmpdir(), 'parley-evidence-'));
    try {
      const { leaks } = await writeEvidence(cfg, again, []);
      expect(leaks).toBe(1);
      const scan = JSON.parse(readFileSync(join(again, 'card-scan.json'), 'utf8')) as {
        storedMessages: { leaks: { findings: string[] }[] };
        rawFiles: { hits: unknown[] };
      };
      expect(scan.storedMessages.leaks[0]?.findings).toEqual(['pan']);
      // Sealed at rest: the raw bytes never show it.
      expect(scan.rawFiles.hits).toEqual([]);
      expect(readFileSync(join(again, 'card-scan.json'), 'utf8')).not.toContain('5555 5555');
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it('finds a card number left in clear in a data file, by brand and last four only', () => {
    const leak = join(dataDir, 'exported-by-hand.txt');
    writeFileSync(
      leak,
      'note: 5555-5555-5555-4444 and an order 1764712345678 and 4111111111111112',
    );
    try {
      const { hits } = scanFilesForCards(dataDir);
      expect(hits).toEqual([
        { file: 'exported-by-hand.txt', offset: 6, brand: 'mastercard', last4: '4444' },
      ]);
    } finally {
      rmSync(leak);
    }
  });
});
