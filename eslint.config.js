// ESLint flat config: typescript-eslint's type-checked rules plus the import
// rules that encode Parley's layering (docs/architecture.md, "Import rules").
// scripts/lint-rules.test.ts feeds each rule a forbidden import and expects it
// refused. ESLint applies only the last `no-restricted-imports` that matches a
// file, so each group of files below gets its whole list, built from the
// pieces here.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const RELATIVE = '\\.{1,2}/';

// --- the pieces -------------------------------------------------------------

const noApps = [
  {
    group: ['@parley/server', '@parley/vault', '@parley/widget', '@parley/console', '@parley/pay'],
    message: 'packages/* must not import an app',
  },
  { regex: '(^|/)apps/', message: 'packages/* must not import an app' },
];

/** A module folder is reached only through its index.ts (`modules/<name>`). */
const moduleDoorFromOutside = (app) => [
  {
    regex: '(^|/)modules/[^/]+/.+',
    message: `import a ${app} module through its index (modules/<name>), never a file inside it`,
  },
];
const moduleDoorFromInside = (app) => [
  {
    regex: `^\\.\\./[^./][^/]*/.+`,
    message: `reach another ${app} module only through its index (../<name>)`,
  },
  ...moduleDoorFromOutside(app),
];

/** apps/server/src/store is reached only through store/index.ts from outside it. */
const storeDoor = [
  {
    regex: '(^|/)store/.+',
    message: 'import the store through its index (../store), never a file inside it',
  },
];

/** An import of another app, by path (`apps/<app>` or a relative `../../<app>/src`). */
const appPath = (apps) => `(^|/)apps/(${apps})(/|$)|^(\\.\\./)+(${apps})/src(/|$)`;

const serverImportsNoOtherApp = [
  {
    group: ['@parley/vault', '@parley/console', '@parley/widget', '@parley/pay'],
    message: 'the server imports no other app',
  },
  {
    regex: appPath('vault|console|widget|pay'),
    message: 'the server imports no other app',
  },
];

const vaultImportsNoOtherApp = [
  {
    group: ['@parley/server', '@parley/console', '@parley/widget'],
    message: 'the vault shares no code with the server, the console or the widget',
  },
  {
    regex: appPath('server|console|widget'),
    message: 'the vault shares no code with the server, the console or the widget',
  },
];

/** Browser code never imports server or vault code (it would ship it, and its secrets' handling, to browsers). */
const browserImportsNoBackend = [
  {
    group: ['@parley/server', '@parley/vault'],
    message: 'browser code imports neither server nor vault',
  },
  {
    regex: appPath('server|vault'),
    message: 'browser code imports neither server nor vault',
  },
];

const payImportsNoConsoleOrWidget = [
  {
    group: ['@parley/console', '@parley/widget'],
    message: 'the pay page imports neither console nor widget',
  },
  {
    regex: appPath('console|widget'),
    message: 'the pay page imports neither console nor widget',
  },
];

const noVault = [
  { regex: appPath('vault'), message: 'only the vault imports vault code' },
  { group: ['@parley/vault'], message: 'only the vault imports vault code' },
];

/**
 * packages/masking is pure: relative imports only, but for re2js (pure JavaScript, no dependencies),
 * the linear-time engine organisations' custom rules run on (issue 9: no rule may stall a node).
 */
const maskingPure = [
  {
    regex: `^(?!${RELATIVE}|re2js$)`,
    message: 'packages/masking imports nothing: relative imports only (it runs in the widget too)',
  },
];
/** Its Node front end (cli.ts) may use Node's built-ins, nothing else. */
const maskingCli = [
  {
    regex: `^(?!${RELATIVE}|node:)`,
    message: 'packages/masking imports nothing but node: built-ins in cli.ts',
  },
];

const restrict = (...lists) => ({
  'no-restricted-imports': ['error', { patterns: lists.flat() }],
});

const TESTS = ['**/*.test.ts', '**/*.test.tsx', '**/*.e2e.ts', '**/test/**'];

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'test-results/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false } },
      ],
      '@typescript-eslint/require-await': 'off',
      'no-console': 'off',
    },
  },
  {
    // Plain JavaScript (bin/, scripts/, the SQLite writer thread, this file) runs
    // in Node. It is not in a TypeScript project, so the type-checked rules are off.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: globals.node,
      sourceType: 'module',
    },
  },

  // --- import rules, per group of files (the last match wins) ---------------
  { files: ['packages/**/*.{ts,tsx}'], rules: restrict(noApps) },
  {
    files: ['packages/masking/src/**/*.ts'],
    ignores: TESTS,
    rules: restrict(noApps, maskingPure),
  },
  { files: ['packages/masking/src/cli.ts'], rules: restrict(noApps, maskingCli) },
  {
    files: ['apps/server/**/*.ts'],
    rules: restrict(moduleDoorFromOutside('server'), storeDoor, serverImportsNoOtherApp),
  },
  {
    files: ['apps/server/src/modules/**/*.ts'],
    rules: restrict(moduleDoorFromInside('server'), storeDoor, serverImportsNoOtherApp),
  },
  {
    // Inside the store its own files import each other freely.
    files: ['apps/server/src/store/**/*.{ts,mjs}'],
    rules: restrict(moduleDoorFromOutside('server'), serverImportsNoOtherApp),
  },
  {
    files: ['apps/vault/**/*.ts'],
    rules: restrict(moduleDoorFromOutside('vault'), vaultImportsNoOtherApp),
  },
  {
    files: ['apps/vault/src/modules/**/*.ts'],
    rules: restrict(moduleDoorFromInside('vault'), vaultImportsNoOtherApp),
  },
  {
    // Known violations of the vault's module door, left to the vault's own
    // restructuring (issue 8 item 4: the vault gets the server's module shape,
    // each module with an index.ts). Remove a file from this list when its
    // imports go through module indexes; the other vault rules still hold here.
    files: [
      'apps/vault/src/context.ts',
      'apps/vault/src/vault.ts',
      'apps/vault/src/gateways/stripe/webhook.ts',
      'apps/vault/src/modules/payments/transitions.ts',
    ],
    rules: restrict(vaultImportsNoOtherApp),
  },
  {
    files: ['apps/console/**/*.{ts,tsx}', 'apps/widget/**/*.{ts,tsx}'],
    rules: restrict(browserImportsNoBackend),
  },
  {
    // A state read in the same call as an await is read before the await, so
    // whatever arrived meanwhile (a live frame) is overwritten when it is set.
    // Seen as a lost message in the console; await first, then read the state.
    files: ['apps/{console,widget,pay}/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression:has(> MemberExpression[object.type='ThisExpression'][property.name='state']):has(AwaitExpression)",
          message:
            'stale state: this.state is read before the await in the same call; await into a variable first',
        },
      ],
    },
  },
  {
    files: ['apps/pay/**/*.{ts,tsx}'],
    rules: restrict(browserImportsNoBackend, payImportsNoConsoleOrWidget),
  },
  {
    // Audit entries belong to the service, in the transaction of the change they
    // record (CONVENTIONS.md "Thin handlers", issue 8 item 1): a route handler that
    // writes one commits it apart from the change, or records a change that rolled back.
    files: ['apps/server/src/modules/*/*routes.ts', 'apps/server/src/http/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.type='MemberExpression'][callee.object.name='audit'][callee.property.name='record']",
          message:
            'audit.record in a route: record the entry in the service, in the transaction of the change (store.transaction, audit.record(store, entry, tx))',
        },
        {
          selector:
            "ImportDeclaration[source.value=/audit(\\/service)?$/] ImportSpecifier[imported.name='record']",
          message:
            'audit.record in a route: record the entry in the service, in the transaction of the change (store.transaction, audit.record(store, entry, tx))',
        },
      ],
    },
  },
  { files: ['e2e/**/*.ts', 'bench/**/*.ts'], rules: restrict(noVault) },
  {
    files: ['**/*.test.ts', '**/*.e2e.ts', 'bench/**/*.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
