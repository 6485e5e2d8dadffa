import { defineConfig } from 'vitest/config';

/**
 * One config for every workspace. Test files run in separate forks, each with its own database
 * (PGlite in memory, or a fresh database on the server), so files never see each other's rows.
 */
export default defineConfig({
  // Node resolves `graphql` to its CommonJS build (the package has no "exports"), and so do the
  // Apollo packages; Vite would pick its ES module build for our sources, a second graphql whose
  // schemas and errors the first does not recognise. Tests load the one production loads.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Every query the suite sends runs compiled, as a production subgraph runs its repeated ones;
    // the interpreter behind it is graphql-js itself.
    env: { GRAPHQL_COMPILE_AT_USE: '1' },
  },
});
