import { defineConfig } from 'drizzle-kit';

/** Migrations of the PostgreSQL store (`DATABASE_URL`): `npm run db:generate:pg`. SQLite's are in drizzle.config.ts. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/pg/schema.ts',
  out: './drizzle-pg',
});
