// ESLint flat config: typescript-eslint's type-checked rules plus the import
// direction rules of shared/CONVENTIONS.md ("one door per folder").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const appPackages = [
  '@parley/server',
  '@parley/vault',
  '@parley/widget',
  '@parley/console',
  '@parley/pay',
];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'data/**',
      'test-results/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
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
    // Packages are shared by every app and so may import none of them.
    files: ['packages/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: appPackages, message: 'packages/* must not import an app' },
            { regex: '(^|/)apps/', message: 'packages/* must not import an app' },
          ],
        },
      ],
    },
  },
  {
    // A domain module is reached only through its index.ts.
    files: ['apps/server/src/**/*.ts'],
    ignores: ['apps/server/src/modules/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: 'modules/[^/]+/.+',
              message: 'import a module through its index (modules/<name>)',
            },
            {
              group: ['@parley/vault', '@parley/console', '@parley/widget', '@parley/pay'],
              message: 'the server imports no other app',
            },
            { regex: '(^|/)apps/vault', message: 'only the vault imports vault code' },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/server/src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./[^./][^/]*/.+',
              message: 'reach another module only through its index (../<name>)',
            },
            {
              regex: 'modules/[^/]+/.+',
              message: 'import a module through its index (modules/<name>)',
            },
            {
              group: ['@parley/vault', '@parley/console', '@parley/widget', '@parley/pay'],
              message: 'the server imports no other app',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/pay/**/*.ts', 'apps/pay/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@parley/console', '@parley/widget', '@parley/server'],
              message: 'the pay page imports neither console nor widget',
            },
            {
              regex: '(^|/)apps/(console|widget|server)',
              message: 'the pay page imports neither console nor widget',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'apps/widget/**/*.{ts,tsx}',
      'apps/console/**/*.{ts,tsx}',
      'e2e/**/*.ts',
      'bench/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '(^|/)apps/vault', message: 'only the vault imports vault code' },
            { group: ['@parley/vault'], message: 'only the vault imports vault code' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/*.e2e.ts', 'bench/**/*.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
