import { eq } from 'drizzle-orm';
import type { Store } from '../repository.js';
import type { Db } from './open-database.js';
import { meta } from './schema.js';

/** Small key/value settings (e.g. the next hook number). */
export function createMeta(db: Db) {
  const get = (key: string) => db.select().from(meta).where(eq(meta.key, key)).get()?.value;
  const set = (key: string, value: string) => {
    db.insert(meta).values({ key, value }).onConflictDoUpdate({ target: meta.key, set: { value } }).run();
  };
  const methods: Pick<Store, 'getMeta' | 'setMeta'> = {
    async getMeta(key) {
      return get(key);
    },
    async setMeta(key, value) {
      set(key, value);
    },
  };
  return { get, set, methods };
}
