#!/usr/bin/env node
// Measures the widget's bytes on the wire: starts the compiled `parley start`
// on an empty data directory, then requests what a customer's page loads for
// the widget (the loader, and when the chat opens the frame's HTML, script and
// stylesheet) with no Accept-Encoding, with gzip and with brotli, and prints
// the body bytes received. Used for the figures in bench/README.md.
//
//   node scripts/measure-widget-bytes.mjs [--port P] [--bin path/to/bin/parley.mjs]
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '19530' }, bin: { type: 'string' } },
});
const port = Number(values.port);
const bin = resolve(values.bin ?? join(import.meta.dirname, '../bin/parley.mjs'));
const env = { ...process.env, PARLEY_LOG_LEVEL: 'warn' };
delete env.DATABASE_URL;
delete env.REDIS_URL;

function get(path, encoding) {
  return new Promise((res, rej) => {
    const headers = encoding ? { 'accept-encoding': encoding } : {};
    const req = request({ host: '127.0.0.1', port, path, headers }, (r) => {
      let bytes = 0;
      const chunks = [];
      r.on('data', (d) => {
        bytes += d.length;
        chunks.push(d);
      });
      r.on('end', () =>
        res({
          status: r.statusCode,
          bytes,
          encoding: r.headers['content-encoding'] ?? 'identity',
          body: Buffer.concat(chunks),
        }),
      );
      r.on('error', rej);
    });
    req.on('error', rej);
    req.end();
  });
}

const dir = mkdtempSync(join(tmpdir(), 'parley-bytes-'));
const child = spawn(process.execPath, [bin, 'start', '--data-dir', dir, '--port', String(port)], {
  env,
});
let out = '';
child.stdout.on('data', (d) => (out += d));
try {
  const deadline = Date.now() + 30_000;
  while (!/Demo page:.*org=(\S+)/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`parley start failed:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const org = /org=(\S+)/.exec(out)[1];
  const frameHtml = (await get(`/frame/?org=${org}`)).body.toString();
  const frameAssets = [...frameHtml.matchAll(/(?:src|href)="(\/frame\/assets\/[^"]+)"/g)].map(
    (m) => m[1],
  );
  const paths = { loader: ['/widget.js'], frame: [`/frame/?org=${org}`, ...frameAssets] };
  const rows = [];
  for (const [name, list] of Object.entries(paths)) {
    const row = { name, files: list.length };
    for (const [label, enc] of [
      ['raw', undefined],
      ['gzip', 'gzip'],
      ['brotli', 'br, gzip'],
    ]) {
      let total = 0;
      for (const p of list) {
        const r = await get(p, enc);
        if (r.status !== 200) throw new Error(`${p}: ${r.status}`);
        total += r.bytes;
      }
      row[label] = total;
    }
    rows.push(row);
  }
  const total = { name: 'loader + frame', files: rows[0].files + rows[1].files };
  for (const k of ['raw', 'gzip', 'brotli']) total[k] = rows[0][k] + rows[1][k];
  rows.push(total);
  console.log('| what | requests | raw | gzip | brotli |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of rows)
    console.log(`| ${r.name} | ${r.files} | ${r.raw} B | ${r.gzip} B | ${r.brotli} B |`);
} finally {
  await new Promise((r) => {
    child.once('exit', r);
    child.kill('SIGTERM');
  });
  rmSync(dir, { recursive: true, force: true });
}
