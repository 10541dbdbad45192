// Proves scripts/check-sizes.mjs (issue 8 item 6): an oversized sample fails, a
// function's nested functions are not counted as its own lines, and the real
// server and vault trees pass with only the commented allowlist.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import * as sizes from './check-sizes.mjs';

type Problem = { file: string; line: number; what: string };
const { check, checkFile } = sizes as {
  check(paths: string[]): { failing: Problem[]; stale: string[] };
  checkFile(path: string): Problem[];
};
const dir = mkdtempSync(join(tmpdir(), 'parley-sizes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');

describe('check-sizes', () => {
  it('fails a file over 400 lines and a function over 100 lines of its own', () => {
    const big = write(
      'big.ts',
      `export function long(): void {\n${body(120)}\n}\n${'// x\n'.repeat(300)}`,
    );
    const problems = checkFile(big).map((p) => p.what);
    expect(problems).toEqual([
      expect.stringMatching(/file has 42\d lines \(max 400\)/),
      expect.stringMatching(/function long has 122 lines of its own/),
    ]);
  });

  it('counts nested functions apart, and accepts what is within the limits', () => {
    const nested = write(
      'nested.ts',
      `export function outer(): void {\n${body(50)}\n  function inner(): void {\n${body(80)}\n  }\n  inner();\n}\n`,
    );
    expect(checkFile(nested)).toEqual([]);
  });

  it('passes the server and the vault with only the allowlisted offenders', () => {
    const result = check(['apps/server/src', 'apps/vault/src']);
    expect(result.failing).toEqual([]);
    expect(result.stale).toEqual([]);
  });
});
