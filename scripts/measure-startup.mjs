#!/usr/bin/env node
// Measures Parley's start-up: how long `parley --help` takes, and how long
// `parley start` takes from launch until GET /healthz answers 200 (first run on
// an empty data directory, then a second run on the same directory). With
// several bin paths, their runs alternate so that each sees the same machine
// load. Prints the median (and min, max) of the runs. Used for the "Start-up"
// figures in bench/README.md.
//
//   node scripts/measure-startup.mjs [bin/parley.mjs ...] [--runs N] [--port P]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '5' }, port: { type: 'string', default: '19510' } },
});
const bins = (positionals.length ? positionals : ['bin/parley.mjs']).map((b) => resolve(b));
const runs = Number(values.runs);
const port = Number(values.port);
const env = { ...process.env, PARLEY_LOG_LEVEL: 'warn' };
delete env.DATABASE_URL;
delete env.REDIS_URL;
delete env.NODE_OPTIONS;

/** CPU time (user + system) a process has used so far, from /proc (Linux; clock ticks of 10 ms). */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function helpMs(bin) {
  const started = process.hrtime.bigint();
  const res = spawnSync(process.execPath, [bin, '--help'], { env, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`--help failed: ${res.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** CPU time of `parley --help`, which is less sensitive to a busy machine than wall time. */
function helpCpuMs(bin) {
  const res = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, bin, '--help'], {
    env,
    encoding: 'utf8',
  });
  const [user = NaN, sys = NaN] = (res.stderr.trim().split('\n').pop() ?? '')
    .split(' ')
    .map(Number);
  return (user + sys) * 1000;
}

async function healthyMs(bin, dataDir) {
  const started = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    [bin, 'start', '--data-dir', dataDir, '--port', String(port)],
    { env, stdio: ['ignore', 'ignore', 'ignore'] },
  );
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error('parley start exited');
      if (Date.now() > deadline) throw new Error('no /healthz within 30 s');
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.status === 200)
          return { wall: Number(process.hrtime.bigint() - started) / 1e6, cpu: cpuMs(child.pid) };
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    await new Promise((r) => {
      child.once('exit', r);
      child.kill('SIGTERM');
    });
  }
}

const results = new Map(
  bins.map((b) => [
    b,
    { help: [], helpCpu: [], first: [], firstCpu: [], second: [], secondCpu: [] },
  ]),
);
for (let i = 0; i < runs; i++) {
  for (const bin of bins) {
    const r = results.get(bin);
    r.help.push(helpMs(bin));
    r.helpCpu.push(helpCpuMs(bin));
    const dir = mkdtempSync(join(tmpdir(), 'parley-startup-'));
    try {
      const first = await healthyMs(bin, dir);
      r.first.push(first.wall);
      r.firstCpu.push(first.cpu);
      const second = await healthyMs(bin, dir);
      r.second.push(second.wall);
      r.secondCpu.push(second.cpu);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
const fmt = (xs) =>
  `${Math.round(median(xs))} ms (min ${Math.round(Math.min(...xs))}, max ${Math.round(Math.max(...xs))})`;
for (const [bin, r] of results) {
  console.log(`bin: ${bin}`);
  console.log(`  parley --help:                        ${fmt(r.help)}; CPU ${fmt(r.helpCpu)}`);
  console.log(`  parley start → /healthz (first run):  ${fmt(r.first)}; CPU ${fmt(r.firstCpu)}`);
  console.log(`  parley start → /healthz (second run): ${fmt(r.second)}; CPU ${fmt(r.secondCpu)}`);
}
