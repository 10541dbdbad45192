import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../vitest.config';

// No dead npm scripts (issue 8 item 10): every `vitest --project X` names a project that exists,
// and every project can be run alone by a script.
const ROOT = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

describe('npm scripts', () => {
  const projects = (config.test?.projects ?? []).map(
    (p) => (p as { test?: { name?: string } }).test?.name,
  );

  it('name only Vitest projects that exist, and each project has one', () => {
    expect(projects).toContain('unit');
    const named = Object.values(pkg.scripts).flatMap((s) =>
      [...s.matchAll(/--project (\S+)/g)].map((m) => m[1]),
    );
    expect(named.filter((n) => !projects.includes(n))).toEqual([]);
    expect(projects.filter((p) => !named.includes(p))).toEqual([]);
  });
});
