// Files benchmark (bench/README.md "Files"): upload-to-available latency for small images
// and 5 MB PDFs, with and without OCR, and clamd scan throughput, against writing the same
// bytes to disk (fsync'd) in the same run. Uses the test kit: its own clamd, a real server.
//   node bin/run-ts.mjs bench/files/run.ts [--images 20] [--pdfs 8]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { newVisitor, visitorSocket } from '../../apps/server/test/clients';
import { startClamd } from '../../apps/server/test/clamd';
import { fileFrame, putFile } from '../../apps/server/test/files-kit';
import { startTestServer } from '../../apps/server/test/test-server';
import { createClamdScanner } from '../../apps/server/src/modules/files';

const { values } = parseArgs({
  options: { images: { type: 'string', default: '20' }, pdfs: { type: 'string', default: '8' } },
});
const IMAGES = Number(values.images);
const PDFS = Number(values.pdfs);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const fmt = (xs: number[]) => `${pct(xs, 50).toFixed(1)} ms / ${pct(xs, 99).toFixed(1)} ms`;

async function smallImage(i: number): Promise<Buffer> {
  // 400×300 noise-ish photo with a caption: ~100 KB PNG, text for OCR to read.
  const raw = randomBytes(400 * 300 * 3);
  const base = await sharp(raw, { raw: { width: 400, height: 300, channels: 3 } })
    .blur(2)
    .png()
    .toBuffer();
  const caption = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="60"><rect width="100%" height="100%" fill="white"/><text x="10" y="40" font-size="28" font-family="DejaVu Sans">Order ${1000 + i} parcel</text></svg>`,
  );
  return sharp(base)
    .composite([{ input: caption, top: 240, left: 0 }])
    .png()
    .toBuffer();
}

function pdf5mb(): Buffer {
  // A FlateDecode stream of 5 MB (random bytes, so deflate cannot shrink them): the type check
  // inflates and reads every compressed stream of a PDF (pdf.ts), so this is its realistic cost.
  const z = deflateSync(randomBytes(5 * 1024 * 1024));
  return Buffer.concat([
    Buffer.from(
      `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n3 0 obj<</Length ${z.length}/Filter/FlateDecode>>stream\n`,
      'latin1',
    ),
    z,
    Buffer.from('\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1'),
  ]);
}

async function diskWrite(dir: string, data: Buffer, n: number): Promise<number> {
  const t = performance.now();
  const fh = await open(join(dir, `f${n}`), 'w', 0o600);
  await fh.writeFile(data);
  await fh.sync();
  await fh.close();
  return performance.now() - t;
}

async function uploadRun(ocr: boolean, socketPath: string, images: Buffer[], pdfs: Buffer[]) {
  const server = await startTestServer({
    logLevel: 'error',
    env: {
      PARLEY_CLAMD_SOCKET: socketPath,
      PARLEY_FILES_OCR: ocr ? 'on' : 'off',
      PARLEY_FILES_PER_UPLOADER_PER_HOUR: '100000',
    },
  });
  try {
    const v = await newVisitor(server.url, server.orgKey);
    const ws = await visitorSocket(server.url, v.token);
    await ws.resume(v.conversationId);
    const time = async (data: Buffer, name: string) => {
      const t = performance.now();
      const up = await putFile(
        server.url,
        `/conversations/${v.conversationId}/files`,
        { bearer: v.token },
        data,
        name,
      );
      if (!up.body.file) throw new Error(`upload failed: ${JSON.stringify(up.body)}`);
      await fileFrame(ws, up.body.file.id, 'available', 120_000);
      return performance.now() - t;
    };
    const img: number[] = [];
    for (const [i, b] of images.entries()) img.push(await time(b, `photo-${i}.png`));
    const doc: number[] = [];
    for (const [i, b] of pdfs.entries()) doc.push(await time(b, `doc-${i}.pdf`));
    ws.close();
    return { img, doc };
  } finally {
    await server.close();
  }
}

const clamd = await startClamd();
const dir = mkdtempSync(join(tmpdir(), 'parley-bench-files-'));
try {
  const images = await Promise.all(Array.from({ length: IMAGES }, (_, i) => smallImage(i)));
  const pdfs = Array.from({ length: PDFS }, () => pdf5mb());
  const diskImg: number[] = [];
  for (const [i, b] of images.entries()) diskImg.push(await diskWrite(dir, b, i));
  const diskPdf: number[] = [];
  for (const [i, b] of pdfs.entries()) diskPdf.push(await diskWrite(dir, b, 1000 + i));

  const scanner = createClamdScanner({ socket: clamd.socket, timeoutMs: 60_000 });
  const pdf = pdfs[0] ?? pdf5mb();
  await scanner.scan(pdf);
  const t0 = performance.now();
  const rounds = Math.max(4, PDFS);
  for (let i = 0; i < rounds; i++) await scanner.scan(pdf);
  const scanMBs = (rounds * pdf.length) / 1e6 / ((performance.now() - t0) / 1000);
  const diskMBs = (diskPdf.length * pdf.length) / 1e6 / (diskPdf.reduce((a, b) => a + b, 0) / 1000);

  const withOcr = await uploadRun(true, clamd.socket, images, pdfs);
  const withoutOcr = await uploadRun(false, clamd.socket, images, pdfs);
  const avgImgBytes = images.reduce((a, b) => a + b.length, 0) / images.length;
  console.log(
    `files benchmark: ${IMAGES} images (avg ${(avgImgBytes / 1024).toFixed(0)} KB), ${PDFS} PDFs of ${(pdf.length / 1e6).toFixed(1)} MB`,
  );
  console.log(
    `| case | upload → available p50 / p99 | disk write (fsync) p50 / p99 | ratio (p50) |`,
  );
  console.log(
    `| small image, OCR on | ${fmt(withOcr.img)} | ${fmt(diskImg)} | ${(pct(withOcr.img, 50) / pct(diskImg, 50)).toFixed(0)}× |`,
  );
  console.log(
    `| small image, OCR off | ${fmt(withoutOcr.img)} | ${fmt(diskImg)} | ${(pct(withoutOcr.img, 50) / pct(diskImg, 50)).toFixed(0)}× |`,
  );
  console.log(
    `| 5 MB PDF (OCR does not apply) | ${fmt(withOcr.doc)} | ${fmt(diskPdf)} | ${(pct(withOcr.doc, 50) / pct(diskPdf, 50)).toFixed(0)}× |`,
  );
  console.log(
    `| 5 MB PDF, OCR off run | ${fmt(withoutOcr.doc)} | ${fmt(diskPdf)} | ${(pct(withoutOcr.doc, 50) / pct(diskPdf, 50)).toFixed(0)}× |`,
  );
  console.log(
    `OCR adds per image (p50): ${(pct(withOcr.img, 50) - pct(withoutOcr.img, 50)).toFixed(1)} ms`,
  );
  console.log(
    `clamd INSTREAM scan throughput: ${scanMBs.toFixed(1)} MB/s vs disk write ${diskMBs.toFixed(1)} MB/s (${(scanMBs / diskMBs).toFixed(2)}×)`,
  );
} finally {
  await clamd.close();
  rmSync(dir, { recursive: true, force: true });
}
