import { getTableConfig as pgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pg from '../../src/store/pg/schema.js';
import * as sqlite from '../../src/store/sqlite/schema.js';

/**
 * The two schema files side by side: the same tables, columns (name, null or not, default or not) and indexes.
 * row-types.ts checks the TypeScript rows; this checks what the migrations create. A column added to one schema
 * only fails here: add it to the other and run `npm run db:generate` / `npm run db:generate:pg`.
 */
type Cfg = { name: string; columns: { name: string; notNull: boolean; hasDefault: boolean; primary: boolean }[]; indexes: { config: { name?: string; unique: boolean } }[] };
const shape = (c: Cfg) => ({
  name: c.name,
  columns: c.columns.map((x) => `${x.name}${x.notNull ? ' not null' : ''}${x.hasDefault ? ' default' : ''}${x.primary ? ' pk' : ''}`).sort(),
  indexes: c.indexes.map((x) => `${x.config.name}${x.config.unique ? ' unique' : ''}`).sort(),
});

describe('schemas', () => {
  it('PostgreSQL has every table, column and index SQLite has, and no other', () => {
    expect(Object.keys(pg).sort()).toEqual(Object.keys(sqlite).sort());
    for (const key of Object.keys(sqlite) as (keyof typeof sqlite)[]) {
      const s = shape(sqliteTable(sqlite[key]) as unknown as Cfg);
      const p = shape(pgTable(pg[key]) as unknown as Cfg);
      expect(p, key).toEqual(s);
    }
  });
});
