// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const PRODUCT_ONLY = {
  paths: [
    { name: 'vitest', message: 'test tooling stays out of the product' },
    { name: 'playwright-core', message: 'test tooling stays out of the product' },
  ],
  patterns: [
    { group: ['**/devtools/**', '**/devtools'], message: 'devtools/ (test servers, demo) is not part of the product' },
    { group: ['**/test/**', '../test', '../../test'], message: 'test/ support is not part of the product' },
  ],
};
const FEATURES = ['accounts', 'admin', 'audit', 'bankid', 'card', 'cases', 'crash', 'fuzz', 'info', 'login', 'officer', 'organisation', 'reports', 'security', 'signing'];
const COMPOSITION = ['app', 'app.js', 'messages', 'messages.js', 'serve', 'serve.js', 'main', 'main.js'];
/** What each floor must not import: every floor above it. */
const FLOORS = [
  { files: 'src/config/**', above: ['platform', 'identity', 'web', ...FEATURES] },
  { files: 'src/platform/**', above: ['identity', 'web', ...FEATURES] },
  { files: 'src/identity/**', above: ['web', ...FEATURES] },
  { files: 'src/web/**', above: FEATURES },
];
const TEST_FILES = ['src/**/*.test.ts', 'src/**/*.test.tsx', 'src/security/fixture.ts', 'src/security/route-table.ts'];

function floorRules() {
  const upward = (folders) => ({
    group: [...folders.flatMap((f) => [`**/${f}/**`, `../${f}`, `../../${f}`]), ...COMPOSITION.map((f) => `**/src/${f}`), ...COMPOSITION.map((f) => `../${f}`), ...COMPOSITION.map((f) => `../../${f}`)],
    message: 'this import points up a floor (ARCHITECTURE.md): move the shared part down, or invert the dependency',
  });
  return [
    { files: ['src/**/*.ts', 'src/**/*.tsx'], ignores: TEST_FILES, rules: { 'no-restricted-imports': ['error', PRODUCT_ONLY] } },
    ...FLOORS.map((floor) => ({
      files: [`${floor.files}/*.ts`, `${floor.files}/*.tsx`].map((g) => g.replace('/**/*', '/**/*')),
      ignores: TEST_FILES,
      rules: { 'no-restricted-imports': ['error', { paths: PRODUCT_ONLY.paths, patterns: [...PRODUCT_ONLY.patterns, upward(floor.above)] }] },
    })),
  ];
}

export default tseslint.config(
  { ignores: ['dist/', 'data/', 'node_modules/', 'static/vendor/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      // Fastify plugins and hooks are async by contract even when they do not await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, program: null, project: false },
      globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', Date: 'readonly' },
    },
  },
  { files: ['**/*.test.ts', '**/*.test.tsx', 'test/**/*.ts', 'bench/**/*.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // Floors (ARCHITECTURE.md): config → platform → identity → web → features → app → serve/main.
  // Each floor imports only from its own floor and below; no product file imports the test
  // servers, the demo, the test support or test tools (the production build has none of them).
  ...floorRules(),
);
