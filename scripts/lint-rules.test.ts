// Proves each layering rule of eslint.config.js (issue 8 item 7) by feeding
// ESLint a forbidden import at a path where the rule applies and expecting the
// error, and an allowed one next to it. Also proves that the TypeScript
// projects give DOM types only to browser code and Node types only to Node code.
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
let eslint: ESLint;
beforeAll(() => {
  // The import rules need no type information; without it the check is fast.
  eslint = new ESLint({
    cwd: ROOT,
    overrideConfig: [tseslint.configs.disableTypeChecked],
  });
});

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}
const imp = (from: string) => `import { x } from '${from}';\nexport const y = x;\n`;

describe('lint encodes the layering (eslint.config.js)', () => {
  it.each([
    // The vault's modules are reached only through their index.
    [
      'apps/vault/src/http/probe.ts',
      '../modules/payments/service',
      /vault module through its index/,
    ],
    ['apps/vault/src/modules/payments/probe.ts', '../pay/page', /another vault module only/],
    // The server's store only through store/index.ts from outside the store.
    ['apps/server/src/http/probe.ts', '../store/connect', /store through its index/],
    [
      'apps/server/src/modules/chat/probe.ts',
      '../../store/repos/messages',
      /store through its index/,
    ],
    ['apps/server/test/probe.ts', '../src/store/group-commit', /store through its index/],
    // The server's own modules, as before.
    ['apps/server/src/http/probe.ts', '../modules/chat/service', /server module through its index/],
    ['apps/server/src/modules/chat/probe.ts', '../auth/service', /another server module only/],
    // Console, widget and pay import neither the server nor the vault.
    ['apps/console/src/probe.ts', '@parley/server', /neither server nor vault/],
    ['apps/console/src/views/probe.tsx', '../../../server/src/config', /neither server nor vault/],
    ['apps/widget/src/frame/probe.ts', '@parley/vault', /neither server nor vault/],
    ['apps/widget/src/probe.ts', '../../vault/src/config', /neither server nor vault/],
    ['apps/pay/src/probe.ts', '../../server/src/main', /neither server nor vault/],
    ['apps/pay/src/probe.ts', '../../vault/src/vault', /neither server nor vault/],
    ['apps/pay/src/probe.ts', '@parley/console', /neither console nor widget/],
    // The server and the vault share no code.
    ['apps/server/src/probe.ts', '../../vault/src/config', /the server imports no other app/],
    ['apps/vault/src/probe.ts', '@parley/server', /shares no code with the server/],
    ['apps/vault/src/probe.ts', '../../server/src/main', /shares no code with the server/],
    // packages/masking imports nothing; packages import no app.
    ['packages/masking/src/probe.ts', 'zod', /masking imports nothing/],
    ['packages/masking/src/probe.ts', '@parley/protocol', /masking imports nothing/],
    ['packages/masking/src/probe.ts', 'node:fs', /masking imports nothing/],
    ['packages/masking/src/cli.ts', 'zod', /nothing but node: built-ins/],
    ['packages/protocol/src/probe.ts', '@parley/server', /must not import an app/],
    ['packages/signing/src/probe.ts', '../../../apps/vault/src/config', /must not import an app/],
  ])('%s may not import %s', async (file, from, message) => {
    const errors = await importErrors(file, imp(from));
    expect(errors.length, `no error for ${from} in ${file}`).toBe(1);
    expect(errors[0]).toMatch(message);
  });

  it.each([
    ['apps/vault/src/http/probe.ts', '../modules/payments'],
    ['apps/server/src/http/probe.ts', '../store'],
    ['apps/server/src/modules/chat/probe.ts', '../../store'],
    ['apps/server/src/store/probe.ts', './repos/messages'],
    ['apps/server/src/modules/chat/probe.ts', './service'],
    ['apps/console/src/probe.ts', '@parley/protocol'],
    ['apps/pay/src/probe.ts', '@parley/masking'],
    ['packages/masking/src/probe.ts', './luhn'],
    ['packages/masking/src/probe.ts', 're2js'],
    ['packages/masking/src/cli.ts', 'node:readline'],
    ['packages/masking/src/probe.test.ts', 'vitest'],
  ])('%s may import %s', async (file, from) => {
    expect(await importErrors(file, imp(from))).toEqual([]);
  });

  it('refuses a browser client state read before an await in the same call', async () => {
    const code = [
      'export class C {',
      '  state = 1;',
      '  set(_s: number): void {}',
      '  async stale(): Promise<void> {',
      '    this.set(merge(this.state, await load()));',
      '    this.set(merge(this.state, { n: await load() }));',
      '  }',
      '  async fresh(): Promise<void> {',
      '    const n = await load();',
      '    this.set(merge(this.state, n));',
      '  }',
      '}',
      'declare function merge(a: number, b: unknown): number;',
      'declare function load(): Promise<number>;',
      '',
    ].join('\n');
    const [result] = await eslint.lintText(code, {
      filePath: join(ROOT, 'apps/console/src/lib/probe.ts'),
    });
    const lines = (result?.messages ?? [])
      .filter((m) => m.ruleId === 'no-restricted-syntax')
      .map((m) => m.line);
    expect(lines).toEqual([5, 6]);
  });

  it.each([
    'apps/server/src/modules/payments/routes.ts',
    'apps/server/src/modules/auth/oidc-routes.ts',
    'apps/server/src/http/app.ts',
  ])('refuses audit.record in a route handler (%s), not in a service', async (filePath) => {
    const code = [
      "import { audit } from '../audit';",
      "import { record } from '../audit/service';",
      'export async function handler(store: never): Promise<void> {',
      "  await audit.record(store, { action: 'x' } as never);",
      '  await record(store, {} as never);',
      '}',
      '',
    ].join('\n');
    const lint = async (path: string) => {
      const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
      return (result?.messages ?? [])
        .filter((m) => m.ruleId === 'no-restricted-syntax')
        .map((m) => m.line);
    };
    expect(await lint(filePath)).toEqual([2, 4]);
    expect(await lint('apps/server/src/modules/payments/service.ts')).toEqual([]);
  });

  it('lints plain JavaScript (.mjs) too', async () => {
    const [result] = await eslint.lintText('const unused = 1;\nundefinedThing();\n', {
      filePath: join(ROOT, 'scripts/probe.mjs'),
    });
    const rules = (result?.messages ?? []).map((m) => m.ruleId);
    expect(rules).toContain('no-undef');
    expect(rules).toContain('@typescript-eslint/no-unused-vars');
  });
});

/**
 * Type-checks two probe files inside a project, with its tsconfig.json and every
 * file of the project (so that a type leaking in from any of them counts): one
 * using the DOM, one using Node. Returns the errors of each.
 */
function probeErrors(project: string): { dom: string; node: string } {
  const dir = join(ROOT, project);
  const read = ts.readConfigFile(join(dir, 'tsconfig.json'), (f) => ts.sys.readFile(f));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dir);
  const probes = new Map([
    [join(dir, 'src/__dom_probe__.ts'), 'export const title: string = document.title;\n'],
    [join(dir, 'src/__node_probe__.ts'), 'export const pid: number = process.pid;\n'],
  ]);
  const host = ts.createCompilerHost(parsed.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => {
    const code = probes.get(name);
    return code === undefined
      ? getSourceFile(name, lang, ...rest)
      : ts.createSourceFile(name, code, lang);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => probes.has(name) || fileExists(name);
  const program = ts.createProgram([...parsed.fileNames, ...probes.keys()], parsed.options, host);
  const [dom = '', node = ''] = [...probes.keys()].map((probe) =>
    program
      .getSemanticDiagnostics(program.getSourceFile(probe))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
      .join('\n'),
  );
  return { dom, node };
}

describe('TypeScript projects give each kind of code its own types', () => {
  it.each(['apps/console', 'apps/widget', 'apps/pay', 'packages/realtime-client'])(
    '%s (browser) has DOM types and no Node types',
    (project) => {
      const errors = probeErrors(project);
      expect(errors.dom).toBe('');
      expect(errors.node).toMatch(/Cannot find name 'process'/);
    },
    60_000,
  );
  it.each(['apps/server', 'apps/vault', 'packages/signing'])(
    '%s (Node) has Node types and no DOM types',
    (project) => {
      const errors = probeErrors(project);
      expect(errors.node).toBe('');
      expect(errors.dom).toMatch(/Cannot find name 'document'/);
    },
    60_000,
  );
  it.each(['packages/protocol', 'packages/masking'])(
    '%s (shared by browsers and Node) has neither',
    (project) => {
      const errors = probeErrors(project);
      expect(errors.dom).toMatch(/Cannot find name 'document'/);
      expect(errors.node).toMatch(/Cannot find name 'process'/);
    },
    60_000,
  );
});
