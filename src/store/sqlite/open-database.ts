import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

const MIGRATIONS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../drizzle');

/**
 * Opens (creating when needed) the SQLite database and applies the drizzle-kit migrations.
 * WAL lets the HTTP listener store deliveries while the outbox reads; the busy timeout rides out
 * short write locks instead of failing a delivery.
 */
export function openDatabase(path: string, opts: { migrate?: boolean } = {}): { db: Db; close: () => void } {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = drizzle(sqlite, { schema });
  if (opts.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS });
  return { db, close: () => sqlite.close() };
}

type TxCallback = Parameters<Db['transaction']>[0];
type Tx = Parameters<TxCallback>[0];

/**
 * A write transaction, begun IMMEDIATE: it takes the write lock at BEGIN, waiting (busy_timeout) while the other
 * connection (the processing worker) writes. A deferred transaction that reads first would instead fail at once
 * with "database is locked" when the other connection committed in between (WAL cannot upgrade a stale snapshot).
 * Nested calls become savepoints.
 */
export function writeTx<T>(db: Db, fn: (tx: Tx) => T): T {
  return db.transaction(fn, { behavior: 'immediate' }) as T;
}
