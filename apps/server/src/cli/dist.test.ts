import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureDist, plainNodeEnv, ROOT } from './test-dist';

// Issue 8 item 8: production runs compiled JavaScript from dist/ with plain
// Node; tsx is for development and tests only.

const DIST = join(ROOT, 'dist');
// Reports every module the child resolves on stderr (a module.register hook).
const TRACE = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent("export async function resolve(s, c, n) { const r = await n(s, c); process.stderr.write('LOADED ' + r.url + '\\\\n'); return r; }"));`,
)}`;

beforeAll(ensureDist, 200_000);

function loadedBy(args: string[]): { status: number | null; stdout: string; files: string[] } {
  const res = spawnSync(process.execPath, ['--import', TRACE, ...args], {
    cwd: ROOT,
    env: plainNodeEnv(),
    encoding: 'utf8',
    timeout: 30_000,
  });
  const files = [...res.stderr.matchAll(/^LOADED (file:\S+)$/gm)].map((m) =>
    fileURLToPath(m[1] ?? ''),
  );
  return { status: res.status, stdout: res.stdout, files };
}

describe('the production build (dist/)', () => {
  it('runs `parley --help` from dist/ with plain node: no tsx, no TypeScript, and not the server', () => {
    const { status, stdout, files } = loadedBy([BIN, '--help']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/Usage: parley <command>/);
    expect(files).toContain(join(DIST, 'cli.js'));
    // Nothing from node_modules (tsx, fastify, the store drivers) and no source file.
    expect(files.filter((f) => f.includes('/node_modules/'))).toEqual([]);
    expect(files.filter((f) => /\.tsx?$/.test(f))).toEqual([]);
    // Lazy imports: --help loads the command line and a few tiny shared chunks only.
    const bytes = files.filter((f) => f.startsWith(DIST)).reduce((n, f) => n + statSync(f).size, 0);
    expect(bytes).toBeLessThan(20_000);
  });

  it('runs dist/cli.js directly too', () => {
    const res = spawnSync(process.execPath, [join(DIST, 'cli.js'), '--version'], {
      cwd: ROOT,
      env: plainNodeEnv(),
      encoding: 'utf8',
    });
    expect(res.status).toBe(0);
    expect(res.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('holds no path into the source tree and no import of tsx', () => {
    const bundles = readdirSync(DIST).filter((f) => /\.m?js$/.test(f));
    expect(bundles).toEqual(expect.arrayContaining(['cli.js', 'vault.js', 'sqlite-writer.mjs']));
    for (const name of bundles) {
      const code = readFileSync(join(DIST, name), 'utf8');
      expect(code, name).not.toMatch(/apps\/[a-z-]+\/src|packages\/[a-z-]+\/src/);
      expect(code, name).not.toMatch(/["']tsx(\/[^"']*)?["']/);
    }
    // The data files the code reads beside itself are there.
    expect(statSync(join(DIST, 'common-passwords.txt')).size).toBeGreaterThan(1000);
  });
});
