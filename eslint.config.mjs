// Lint: typescript-eslint's type-checked recommended rules (no `any` leaking, no needless
// assertions, promises always awaited or handled); workflow code stays deterministic
// and free of I/O (no Node built-ins, no Prisma, no network, no timers of its own).
import tseslint from 'typescript-eslint';

const ioModules = [
  'fs', 'node:*', 'child_process', 'http', 'https', 'net', 'dgram', 'dns', 'tls', 'crypto', 'os', 'path',
  'worker_threads', 'cluster', 'process', 'timers', 'stream', 'zlib', 'readline',
  '@prisma/*', 'pg', 'better-sqlite3', 'express', '@temporalio/client', '@temporalio/worker', '@temporalio/activity',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'generated/**', 'dist/**', '.tools/**', '.data/**', '*.config.js', 'eslint.config.mjs'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // No unused imports or variables (an argument or a destructured rest may be left out with a leading _).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ioModules, message: 'Workflow code must not do I/O: use an activity.' },
            { group: ['**/activities', '**/activities/*', '!**/activities/index'], message: 'Import activities as types only.', allowTypeImports: true },
            { group: ['**/db/*', '**/generated/*', '**/api/*', '**/worker/*', '**/config/*'], message: 'Workflow code must not reach outside workflows/.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'setImmediate', 'fetch', 'require'],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'Use a deterministic source (workflow uuid4) instead.' },
        { selector: "MemberExpression[object.name='process']", message: 'Workflows have no process environment.' },
      ],
    },
  },
);
