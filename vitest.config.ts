import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores here and in CI: one fork per core keeps the suite's wall time predictable.
    pool: 'forks',
    maxWorkers: 2,
  },
});
