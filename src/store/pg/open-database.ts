import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle, type NodePgDatabase, type NodePgTransaction } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema.js';

export type Db = NodePgDatabase<typeof schema>;
export type Tx = NodePgTransaction<typeof schema, ExtractTablesWithRelations<typeof schema>>;
/** Where a query runs: the pool, or the transaction it is part of. */
export type Q = Db | Tx;

/** Who hears about connections lost while idle (the pool replaces them; nothing else is affected). */
export type PgLog = { warn(obj: object, msg: string): void };

const MIGRATIONS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../drizzle-pg');
/** pg_advisory_lock key held while migrating, so processes starting together migrate one at a time. */
const MIGRATION_LOCK = 0x686f6f6b; // 'hook'

/**
 * Connects a pool to PostgreSQL and applies the drizzle-kit migrations of `drizzle-pg/` (one process at a time).
 * A lost connection never crashes the process: the pool drops the broken client and the next query reconnects;
 * a query running when the connection went fails like any other (its transaction is not committed).
 */
export async function openPgDatabase(url: string, log: PgLog, opts: { max?: number } = {}): Promise<{ db: Db; pool: pg.Pool; close: () => Promise<void> }> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'hookbot',
  });
  // An idle client whose connection drops is reported here (and removed by the pool); without a listener it would
  // be an uncaught 'error' event.
  pool.on('error', (err) => log.warn({ err: err.message }, 'database connection lost (idle); reconnecting on next use'));
  // A client checked out for a transaction has no pool listener: give every client one, so a drop between two
  // statements of a transaction fails that transaction (its next query rejects) instead of crashing.
  pool.on('connect', (client) => {
    client.on('error', (err) => log.warn({ err: err.message }, 'database connection lost'));
  });
  const db = drizzle({ client: pool, schema });
  try {
    await migrateLocked(pool);
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  let closing: Promise<void> | undefined;
  return { db, pool, close: () => (closing ??= pool.end()) };
}

/** Applies the migrations on one connection holding an advisory lock: concurrent starts wait for each other. */
async function migrateLocked(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await migrate(drizzle({ client, schema }), { migrationsFolder: MIGRATIONS });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    client.release(broken);
  }
}
