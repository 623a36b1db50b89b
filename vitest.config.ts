import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // A private PostgreSQL cluster for the PostgreSQL store tests, started on first use (see the file).
    globalSetup: ['test/helpers/postgres.ts'],
  },
});
