import { eq, sql } from 'drizzle-orm';
import type { Store } from '../repository.js';
import type { Q } from './open-database.js';
import { meta } from './schema.js';

/** Small key/value settings (e.g. the next hook number). */
export function createMeta(db: Q) {
  const get = async (q: Q, key: string) => (await q.select().from(meta).where(eq(meta.key, key)))[0]?.value;
  const set = async (q: Q, key: string, value: string) => {
    await q.insert(meta).values({ key, value }).onConflictDoUpdate({ target: meta.key, set: { value } });
  };
  /**
   * Takes the next number of a counter (1 first) and stores the one after it, in one statement: the row lock makes
   * two processes taking numbers at once get different ones.
   */
  const take = async (q: Q, key: string): Promise<number> => {
    const [row] = await q.insert(meta).values({ key, value: '2' })
      .onConflictDoUpdate({ target: meta.key, set: { value: sql`(${meta.value}::bigint + 1)::text` } })
      .returning({ value: meta.value });
    return Number(row.value) - 1;
  };
  const methods: Pick<Store, 'getMeta' | 'setMeta'> = {
    async getMeta(key) {
      return get(db, key);
    },
    async setMeta(key, value) {
      await set(db, key, value);
    },
  };
  return { get, set, take, methods };
}
