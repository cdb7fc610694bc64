// Lint rules from shared/CONVENTIONS.md §3: typescript-eslint strict and type-aware, no floating
// promises, exhaustive switches, no any, no console, no default exports, time and timers only
// through lib/clock, and imports that point down the SIP server's layers.
import tseslint from 'typescript-eslint';

const CLOCK_ONLY = [
  { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'Use the injected Clock (lib/clock), not Date.now().' },
  { selector: "MemberExpression[object.name='performance'][property.name='now']", message: 'Use the injected Clock (lib/clock).' },
  { selector: "CallExpression[callee.name='setTimeout']", message: 'Use clock.setTimer (lib/clock).' },
  { selector: "CallExpression[callee.name='setInterval']", message: 'Use clock.setTimer (lib/clock).' },
];

const NO_DEFAULT_EXPORT = { selector: 'ExportDefaultDeclaration', message: 'Named exports only (CONVENTIONS §3).' };

/** The SIP server's layers, lowest first: a layer may import only those below it. */
const SIP_LAYERS = ['message', 'transport', 'transaction', 'dialog', 'core', 'wire', 'proxy'];
const layerRules = SIP_LAYERS.map((layer, i) => ({
  files: [`sip-server/${layer}/**/*.ts`],
  ignores: ['**/*.test.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: SIP_LAYERS.slice(i + 1)
          .filter((above) => !(layer === 'wire' && above === 'proxy') && !(layer === 'core' && above === 'wire'))
          .map((above) => ({ group: [`#sip-server/${above}/*`, `../${above}/*`], message: `sip-server/${layer} must not import the layer above it (${above}); call up through a typed user interface.` })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', 'coverage/**', '**/*.mjs', 'eslint.config.js'] },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
      'no-restricted-syntax': ['error', NO_DEFAULT_EXPORT, ...CLOCK_ONLY],
      // Template literals with numbers are how we build SIP and log text.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Arrow shorthands like `() => void promise` and `(r) => resolve(r)` read better than blocks.
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  // Infrastructure that owns real time: the clock itself, process supervision, health checks, tooling and tests.
  {
    files: ['lib/clock/**', 'lib/local-stack/**', 'lib/runtime/**', 'scripts/**', 'bench/**', 'test/**', '**/*.test.ts', '**/test/**'],
    rules: { 'no-restricted-syntax': ['error', NO_DEFAULT_EXPORT] },
  },
  // Tests, their support code and benchmarks may assert presence with `!` after checking it.
  { files: ['**/*.test.ts', 'test/**', '**/test/**', 'bench/**'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // vitest and typed third-party modules that require a default export.
  { files: ['vitest.config.ts', 'test/support/global-setup.ts', '**/*.d.ts'], rules: { 'no-restricted-syntax': 'off' } },
  ...layerRules,
);
