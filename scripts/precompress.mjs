// Precompresses built web assets: beside every compressible file it writes
// `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip, level 9) when they are
// smaller than the file, so that the server sends them without compressing
// per request (apps/server/src/http/static-assets.ts negotiates Accept-Encoding).
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt', '.map']);

/** Every file under dir, recursively, as absolute paths. */
export function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}

/** Writes .br and .gz beside each compressible file under dir; returns the per-file sizes. */
export function precompressDir(dir) {
  const sizes = [];
  for (const file of walk(dir)) {
    if (file.endsWith('.br') || file.endsWith('.gz')) {
      rmSync(file);
      continue;
    }
  }
  for (const file of walk(dir)) {
    if (!COMPRESSIBLE.has(extname(file))) continue;
    const raw = readFileSync(file);
    const br = brotliCompressSync(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    });
    const gz = gzipSync(raw, { level: 9 });
    if (br.length < raw.length) writeFileSync(`${file}.br`, br);
    if (gz.length < raw.length) writeFileSync(`${file}.gz`, gz);
    sizes.push({ file, raw: statSync(file).size, gzip: gz.length, brotli: br.length });
  }
  return sizes;
}
