import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSummary, SecurityEvent } from '@parley/protocol';
import { AgentClient, newVisitor } from '../../../test/clients';
import { startClamd, EICAR, type TestClamd } from '../../../test/clamd';
import {
  cardPng,
  fileFrame,
  minimalPdf,
  photoWithExif,
  putFile,
  textPng,
} from '../../../test/files-kit';
import { chatWithVisitor } from '../../../test/payment-flow';
import { startTestServer, type TestServer } from '../../../test/test-server';

function filesOnDisk(server: TestServer, fileId: string): string[] {
  const root = join(server.dataDir, 'files');
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.startsWith(fileId)) out.push(e.name);
    }
  };
  try {
    walk(root);
  } catch {
    /* no files directory yet */
  }
  return out;
}

describe('files in the chat (real server, real clamd, real tesseract)', () => {
  let clamd: TestClamd;
  let server: TestServer;
  beforeAll(async () => {
    clamd = await startClamd();
    server = await startTestServer({
      logLevel: 'warn',
      env: {
        PARLEY_CLAMD_SOCKET: clamd.socket,
        PARLEY_FILES_RETRY_SECONDS: '0.2',
        PARLEY_FILES_SCAN_TIMEOUT_MS: '3000',
      },
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await clamd?.close();
  });

  it('a visitor image is scanned, stripped of EXIF and GPS, read, and then shown to the agent with a thumbnail', async () => {
    const { agent, visitor, agentWs, visitorWs } = await chatWithVisitor(server);
    const photo = await photoWithExif();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const up = await putFile(
      server.url,
      `/conversations/${visitor.conversationId}/files`,
      { bearer: visitor.token },
      photo,
      'holiday.jpeg',
    );
    expect(up.status).toBe(201);
    const id = up.body.file!.id;
    expect(up.body.file).toMatchObject({
      status: 'checking',
      kind: 'image',
      type: 'image/jpeg',
      name: 'holiday.jpeg',
    });
    await fileFrame(agentWs, id, 'checking');
    const ready = await fileFrame(agentWs, id, 'available');
    expect(ready.file).toMatchObject({ width: 64, height: 48, notice: null, signature: null });
    await fileFrame(visitorWs, id, 'available');

    const link = (await (
      await agent.request('GET', `/api/files/${id}/link?variant=original`)
    ).json()) as { url: string };
    const res = await fetch(`${server.url}${link.url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="holiday.jpeg"/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const body = Buffer.from(await res.arrayBuffer());
    const meta = await sharp(body).metadata();
    expect(meta.exif).toBeUndefined();
    expect(body.includes(Buffer.from('SN-123456'))).toBe(false);
    expect(body.includes(Buffer.from('ParleyCam'))).toBe(false);
    expect(body.equals(photo)).toBe(false);

    const thumb = (await (
      await agent.request('GET', `/api/files/${id}/link?variant=thumb`)
    ).json()) as { url: string };
    const t = await fetch(`${server.url}${thumb.url}`);
    expect(t.headers.get('content-type')).toBe('image/webp');
    expect((await sharp(Buffer.from(await t.arrayBuffer())).metadata()).width).toBeLessThanOrEqual(
      320,
    );
    // The bytes as uploaded are gone: only the re-encoding and its thumbnail remain.
    expect(filesOnDisk(server, id).sort()).toEqual([`${id}.original`, `${id}.thumb`]);
    // Issue 12: each stored copy is sealed with the conversation's data key, not the bytes served.
    for (const [variant, served] of [
      ['original', body],
      ['thumb', Buffer.from(await (await fetch(`${server.url}${thumb.url}`)).arrayBuffer())],
    ] as const) {
      const stored = readFileSync(
        join(server.dataDir, 'files', server.orgId, visitor.conversationId, `${id}.${variant}`),
      );
      expect(stored.subarray(0, 4).toString('ascii')).toBe('PDK1');
      expect(stored.includes(served.subarray(0, 32))).toBe(false);
    }
  }, 60_000);

  it('EICAR is blocked: the sender is told, agents see the signature, a security event is raised, nothing downloadable', async () => {
    const { agent, visitor, agentWs, visitorWs } = await chatWithVisitor(server, 'admin');
    const up = await putFile(
      server.url,
      `/conversations/${visitor.conversationId}/files`,
      { bearer: visitor.token },
      EICAR,
      'invoice.txt',
    );
    expect(up.status).toBe(201);
    const id = up.body.file!.id;
    const v = await fileFrame(visitorWs, id, 'blocked');
    expect(v.file).toMatchObject({ blockReason: 'malware', signature: null });
    expect(v.file.notice).toMatch(/this file was blocked/i);
    const a = await fileFrame(agentWs, id, 'blocked');
    expect(a.file.signature).toBe('Parley.Test.EICAR.UNOFFICIAL');
    expect(a.file.notice).toMatch(/blocked: malware/i);
    const list = (await (
      await agent.request('GET', `/api/conversations/${visitor.conversationId}/files`)
    ).json()) as { files: FileSummary[] };
    expect(list.files.find((f) => f.id === id)?.signature).toBe('Parley.Test.EICAR.UNOFFICIAL');
    const link = await agent.request('GET', `/api/files/${id}/link`);
    expect(link.status).toBe(409);
    expect(filesOnDisk(server, id)).toEqual([]);
    const events = (await (
      await agent.request('GET', '/api/security/events?type=file_blocked')
    ).json()) as { events: SecurityEvent[] };
    expect(
      events.events.some(
        (e) => e.detail.fileId === id && e.detail.signature === 'Parley.Test.EICAR.UNOFFICIAL',
      ),
    ).toBe(true);
  }, 60_000);

  it('an image that shows a card number is not delivered and nothing of it is kept', async () => {
    const { agent, visitor, agentWs, visitorWs } = await chatWithVisitor(server);
    const up = await putFile(
      server.url,
      `/conversations/${visitor.conversationId}/files`,
      { bearer: visitor.token },
      await cardPng(),
      'card.png',
    );
    const id = up.body.file!.id;
    const a = await fileFrame(agentWs, id, 'blocked');
    expect(a.file.notice).toBe('Image blocked: it showed a card number');
    expect(a.file.blockReason).toBe('card');
    const v = await fileFrame(visitorWs, id, 'blocked');
    expect(v.file.notice).toMatch(/secure payment link/);
    expect(filesOnDisk(server, id)).toEqual([]);
    expect((await agent.request('GET', `/api/files/${id}/link?variant=thumb`)).status).toBe(409);
    // An image with harmless text goes through.
    const ok = await putFile(
      server.url,
      `/conversations/${visitor.conversationId}/files`,
      { bearer: visitor.token },
      await textPng('Order 1042 arrived broken'),
      'order.png',
    );
    await fileFrame(agentWs, ok.body.file!.id, 'available');
  }, 60_000);

  it('types files by their bytes: disguised executables, polyglots, scripted SVG and markup are refused', async () => {
    const { visitor } = await chatWithVisitor(server);
    const path = `/conversations/${visitor.conversationId}/files`;
    const auth = { bearer: visitor.token };
    const elf = Buffer.concat([
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]),
      Buffer.alloc(120),
    ]);
    const exe = await putFile(server.url, path, auth, elf, 'cute-cat.png');
    expect(exe.status).toBe(415);
    expect(exe.body.error?.code).toBe('file_disguised');
    const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(60)]);
    expect((await putFile(server.url, path, auth, zip, 'archive.zip')).body.error?.code).toBe(
      'file_type_not_allowed',
    );
    const png = await textPng('hello');
    const polyglot = Buffer.concat([
      png,
      Buffer.from('PK\x03\x04', 'latin1'),
      Buffer.alloc(40),
      Buffer.from('<script>alert(1)</script>'),
    ]);
    expect((await putFile(server.url, path, auth, polyglot, 'photo.png')).body.error?.code).toBe(
      'file_disguised',
    );
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5"/></svg>',
    );
    expect((await putFile(server.url, path, auth, svg, 'logo.svg')).body.error?.code).toBe(
      'file_type_not_allowed',
    );
    const html = Buffer.from('<!doctype html><html><script>alert(1)</script></html>');
    expect((await putFile(server.url, path, auth, html, 'notes.txt')).body.error?.code).toBe(
      'file_disguised',
    );
    expect(
      (
        await putFile(
          server.url,
          path,
          auth,
          minimalPdf('4 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\n'),
          'form.pdf',
        )
      ).body.error?.code,
    ).toBe('file_disguised');
    expect(
      (await putFile(server.url, path, auth, Buffer.alloc(0), 'empty.txt')).body.error?.code,
    ).toBe('file_empty');
    // A clean PDF and plain text are allowed by default; names are sanitised and masked.
    const pdf = await putFile(
      server.url,
      path,
      auth,
      minimalPdf(),
      'rece\u202eipt 4242 4242 4242 4242.pdf',
    );
    expect(pdf.status).toBe(201);
    expect(pdf.body.file?.type).toBe('application/pdf');
    expect(pdf.body.file?.name).not.toMatch(/4242 4242 4242 4242/);
    expect(pdf.body.file?.name).not.toContain('\u202e');
    const txt = await putFile(server.url, path, auth, Buffer.from('order number 1042\n'), 'note');
    expect(txt.body.file).toMatchObject({ type: 'text/plain', name: 'note.txt', kind: 'file' });
  }, 60_000);

  it('an admin allows SVG: a plain one is rasterised, a scripted one refused; and sets the size limit', async () => {
    const { visitor } = await chatWithVisitor(server);
    const admin = new AgentClient(server.url);
    await admin.login(server.admin.email, server.admin.password);
    const put = await admin.request('PUT', '/api/files/settings', {
      allowedTypes: ['image/svg+xml', 'text/plain'],
      maxBytes: 2000,
    });
    expect(put.status).toBe(200);
    const path = `/conversations/${visitor.conversationId}/files`;
    const auth = { bearer: visitor.token };
    const scripted = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="5" height="5"/></svg>',
    );
    expect((await putFile(server.url, path, auth, scripted, 'logo.svg')).body.error?.code).toBe(
      'file_disguised',
    );
    const plain = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><rect width="5" height="5"/></svg>',
    );
    const ok = await putFile(server.url, path, auth, plain, 'logo.svg');
    expect(ok.status).toBe(201);
    expect(
      (await putFile(server.url, path, auth, Buffer.alloc(3000, 0x61), 'big.txt')).body.error?.code,
    ).toBe('file_too_large');
    expect((await putFile(server.url, path, auth, minimalPdf(), 'doc.pdf')).body.error?.code).toBe(
      'file_type_not_allowed',
    );
    const agent = new AgentClient(server.url);
    const creds = await server.createAgent('agent');
    await agent.login(creds.email, creds.password);
    expect(
      (
        await agent.request('PUT', '/api/files/settings', {
          allowedTypes: ['image/png'],
          maxBytes: 10,
        })
      ).status,
    ).toBe(403);
    await admin.request('PUT', '/api/files/settings', {
      allowedTypes: ['image/png', 'image/jpeg', 'application/pdf', 'text/plain'],
      maxBytes: 10_000_000,
    });
    const svgRow = await server.server.store.files.byId(server.orgId, ok.body.file!.id);
    expect(svgRow).toBeDefined();
  }, 60_000);

  it('a retried upload with the same client id stores one file', async () => {
    const { visitor } = await chatWithVisitor(server);
    const path = `/conversations/${visitor.conversationId}/files`;
    const a = await putFile(server.url, path, { bearer: visitor.token }, minimalPdf(), 'a.pdf', {
      clientId: 'same-client-id-1',
    });
    const b = await putFile(server.url, path, { bearer: visitor.token }, minimalPdf(), 'a.pdf', {
      clientId: 'same-client-id-1',
    });
    expect([a.status, b.status]).toEqual([201, 200]);
    expect(b.body.file?.id).toBe(a.body.file?.id);
    const list = (await (
      await fetch(`${server.url}/api/visitor${path}`, {
        headers: { authorization: `Bearer ${visitor.token}` },
      })
    ).json()) as { files: FileSummary[] };
    expect(list.files.filter((f) => f.clientId === 'same-client-id-1')).toHaveLength(1);
  }, 60_000);

  it('a visitor sees only their own files, an agent only their organisation\u2019s, and links are signed and short-lived', async () => {
    const { agent, visitor, agentWs } = await chatWithVisitor(server);
    const up = await putFile(
      server.url,
      `/conversations/${visitor.conversationId}/files`,
      { agent },
      minimalPdf(),
      'label.pdf',
    );
    expect(up.status).toBe(201);
    const id = up.body.file!.id;
    await fileFrame(agentWs, id, 'available');
    const other = await newVisitor(server.url, server.orgKey, 'Otto Other');
    const bearer = { authorization: `Bearer ${other.token}` };
    expect(
      (
        await fetch(`${server.url}/api/visitor/conversations/${visitor.conversationId}/files`, {
          headers: bearer,
        })
      ).status,
    ).toBe(404);
    expect(
      (await fetch(`${server.url}/api/visitor/files/${id}/link`, { headers: bearer })).status,
    ).toBe(404);
    const own = await fetch(`${server.url}/api/visitor/files/${id}/link`, {
      headers: { authorization: `Bearer ${visitor.token}` },
    });
    expect(own.status).toBe(200);
    const { url } = (await own.json()) as { url: string };
    expect((await fetch(`${server.url}${url}`)).status).toBe(200);
    expect((await fetch(`${server.url}${url.replace(/s=[^&]+/, 's=AAAA')}`)).status).toBe(403);
    expect((await fetch(`${server.url}${url.replace('/original?', '/thumb?')}`)).status).toBe(403);
    expect((await fetch(`${server.url}${url.replace(/e=\d+/, 'e=1000')}`)).status).toBe(403);
    // An agent of another organisation.
    const otherOrg = await server.server.store.orgs.create({
      name: 'Elsewhere',
      allowedOrigins: [],
    });
    const creds = await server.createAgent('admin', otherOrg.id);
    const stranger = new AgentClient(server.url);
    await stranger.login(creds.email, creds.password);
    expect((await stranger.request('GET', `/api/files/${id}/link`)).status).toBe(404);
    expect(
      (await stranger.request('GET', `/api/conversations/${visitor.conversationId}/files`)).status,
    ).toBe(404);
  }, 60_000);

  it('fails closed: with clamd down a file stays checking and is retried, released only once scanned', async () => {
    const { agent, visitor, agentWs } = await chatWithVisitor(server);
    await clamd.stop();
    try {
      const up = await putFile(
        server.url,
        `/conversations/${visitor.conversationId}/files`,
        { bearer: visitor.token },
        minimalPdf(),
        'later.pdf',
      );
      expect(up.status).toBe(201);
      const id = up.body.file!.id;
      const deadline = Date.now() + 10_000;
      while ((await server.server.store.files.byId(server.orgId, id))!.attempts < 2) {
        if (Date.now() > deadline) throw new Error('no retry seen');
        await server.server.files.idle();
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((await server.server.store.files.byId(server.orgId, id))!.status).toBe('checking');
      expect((await agent.request('GET', `/api/files/${id}/link`)).status).toBe(409);
      await clamd.start();
      await fileFrame(agentWs, id, 'available', 30_000);
    } finally {
      await clamd.start().catch(() => undefined);
    }
  }, 60_000);

  it('a flood of uploads gets back-pressure ("try again later") and does not slow chat for others', async () => {
    const flooder = await chatWithVisitor(server);
    const { visitorWs, agentWs, visitor } = await chatWithVisitor(server);
    const images = await Promise.all(
      Array.from({ length: 6 }, (_, i) => textPng(`Parcel ${i} label`)),
    );
    // Letters only: digits in chat are held by the masker until it knows they are no card.
    const word = (n: number) => `hello ${'abcdefghijklmnopqrstuvwxyz'[n]}`;
    const roundTrip = async (n: number) => {
      const t = performance.now();
      visitorWs.send({
        type: 'send',
        clientMsgId: `flood-${n}-${Date.now()}`,
        conversationId: visitor.conversationId,
        text: word(n),
      });
      await agentWs.next('message', (m) => m.text === word(n), 10_000);
      return performance.now() - t;
    };
    const before = await roundTrip(25);
    const flood = Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        putFile(
          server.url,
          `/conversations/${flooder.visitor.conversationId}/files`,
          { bearer: flooder.visitor.token },
          images[i % images.length]!,
          `label-${i}.png`,
        ),
      ),
    );
    const times: number[] = [];
    for (let n = 0; n < 10; n++) times.push(await roundTrip(n));
    const answers = await flood;
    await server.server.files.idle();
    // Every upload was either taken or told to come back later; nothing else.
    for (const a of answers) expect([201, 503]).toContain(a.status);
    expect(
      answers.filter((a) => a.status === 503).every((a) => a.body.error?.code === 'files_busy'),
    ).toBe(true);
    expect(answers.some((a) => a.status === 201)).toBe(true);
    times.sort((a, b) => a - b);
    console.log(
      `chat round trip before ${before.toFixed(0)} ms; during the upload flood (ms): ${times.map((t) => t.toFixed(0)).join(' ')}; answers: ${answers.map((a) => a.status).join(',')}`,
    );
    // Chat stays interactive while files are scanned, re-encoded and read (all off the event loop).
    // Against the round trip measured before the flood in the same run (the machine is shared).
    expect(times[Math.floor(times.length / 2)]).toBeLessThan(Math.max(500, before * 4));
    expect(times.at(-1)).toBeLessThan(3000);
  }, 120_000);
});
