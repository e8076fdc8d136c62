import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { __CLOUDSYNC_VERSION__: JSON.stringify('test') },
  test: {
    include: ['test/**/*.test.ts'],
    // The compatibility suite runs against moto's server: `npm run test:compat` (vitest.compat.config.ts).
    exclude: ['test/compat/**', 'node_modules/**'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser tests drive one Chromium each; keep the 2-core CI machine from thrashing.
    maxWorkers: 2,
  },
});
