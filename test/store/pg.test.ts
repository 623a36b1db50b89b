import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { pgSkipReason, testDatabase } from '../helpers/postgres.js';
import { storeContract } from './contract.js';

const skip = pgSkipReason();
if (skip) console.warn(`PostgreSQL store tests skipped: ${skip}`);

describe.skipIf(skip)(`PostgreSQL${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  beforeAll(async () => {
    db = await testDatabase();
  }, 60_000);
  afterAll(async () => {
    await db?.drop();
  });

  /** The store contract on PostgreSQL: one database for this file, emptied before each test. */
  storeContract('PostgreSQL', async () => {
    const opened = await openStore({ databaseUrl: db.url, databasePath: 'unused', poolSize: 4 });
    await emptyAllTables(db.url);
    return {
      store: opened.store,
      close: opened.close,
      other: async () => {
        const o = await openStore({ databaseUrl: db.url, databasePath: 'unused', poolSize: 4 });
        return { store: o.store, close: o.close };
      },
    };
  });
});

/** TRUNCATE … RESTART IDENTITY of every table the migrations made: each test starts empty, ids from 1. */
async function emptyAllTables(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ tablename: string }>("select tablename from pg_tables where schemaname = 'public'");
    await c.query(`truncate ${rows.map((r) => `"${r.tablename}"`).join(', ')} restart identity`);
  } finally {
    await c.end();
  }
}
