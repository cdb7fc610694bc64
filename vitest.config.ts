import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

// Source imports use package.json `imports` aliases ending in .js (#lib/x/index.js); map them to the .ts files.
const alias = [{ find: /^#(lib|sip-server|switch|media|billing-rater|control-api|workers|test)\/(.*)\.js$/, replacement: `${root}$1/$2.ts` }];
const ignored = ['node_modules/**', 'dist/**', '.data/**'];

export default defineConfig({
  resolve: { alias },
  test: {
    globals: false,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['**/*.test.ts'], exclude: [...ignored, '**/*.int.test.ts', '**/*.e2e.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['**/*.int.test.ts'],
          exclude: ignored,
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          exclude: ignored,
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
