import { defineConfig } from 'vitest/config';

/**
 * One config for every workspace. Test files run in separate forks, each with its own database
 * (PGlite in memory, or a fresh database on the server), so files never see each other's rows.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
