import { defineConfig } from 'vitest/config';

/** The compatibility suite: S3 flows against a second implementation, moto's server (`npm run test:compat`). */
export default defineConfig({
  define: { __CLOUDSYNC_VERSION__: JSON.stringify('test') },
  test: {
    include: ['test/compat/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
