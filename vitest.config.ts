import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    // Two cores here and in CI: native addons and sandboxes are memory-light, so forks in parallel are fine.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
