import type { Store } from './repository.js';
import { createPgStore, openPgDatabase, type PgLog } from './pg/index.js';
import { createSqliteStore, openDatabase } from './sqlite/index.js';
import type { HookCacheOptions } from './sqlite/hooks.js';

export type StoreEngine = 'sqlite' | 'postgres';
export interface OpenedStore {
  store: Store;
  /** Closes the database (SQLite file, or the PostgreSQL pool); safe to call more than once. */
  close: () => Promise<void>;
  engine: StoreEngine;
}
export interface OpenStoreOptions {
  /** `postgres://…` or `postgresql://…`: PostgreSQL (several processes may share it). Unset: SQLite at `databasePath`. */
  databaseUrl?: string;
  databasePath: string;
  /** Hears about PostgreSQL connections lost while idle (the pool reconnects); SQLite has none. */
  log?: PgLog;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** SQLite only: skip the migrations (another connection applied them) and the hook cache's options. */
  sqlite?: HookCacheOptions & { migrate?: boolean };
}

const silent: PgLog = { warn() {} };

/** Opens the store the configuration asks for, migrations applied: PostgreSQL with a URL, SQLite otherwise. */
export async function openStore(opts: OpenStoreOptions): Promise<OpenedStore> {
  if (opts.databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(opts.databaseUrl)) throw new Error('DATABASE_URL must start with postgres:// or postgresql://');
    const { db, close } = await openPgDatabase(opts.databaseUrl, opts.log ?? silent, { max: opts.poolSize });
    return { store: createPgStore(db), close, engine: 'postgres' };
  }
  const { db, close } = openDatabase(opts.databasePath, { migrate: opts.sqlite?.migrate });
  let closed = false;
  return {
    store: createSqliteStore(db, opts.sqlite),
    close: async () => {
      if (!closed) close();
      closed = true;
    },
    engine: 'sqlite',
  };
}
