import type { ForwardRow, Hook, NewHook, OutboxRow, Rejection, StoredEvent } from '../repository.js';
import type { forwards, outbox, rejectedDeliveries, webhookEvents, webhooks } from './schema.js';
import type { PollSource } from '../repository.js';
import type { pollSources } from './schema.js';

/**
 * Compile-time only: the PostgreSQL schema reads and writes exactly the repository's plain row types, like
 * ../sqlite/row-types.ts for SQLite. A column added to one schema and not the other (or to the rows) fails here.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Check<T extends true> = T;

export type SchemaMatchesRows = [
  Check<Same<typeof pollSources.$inferSelect, PollSource>>,
  Check<Same<typeof webhooks.$inferSelect, Hook>>,
  Check<Same<Omit<typeof webhooks.$inferInsert, 'id'>, NewHook>>,
  Check<Same<typeof webhookEvents.$inferSelect, StoredEvent>>,
  Check<Same<typeof outbox.$inferSelect, OutboxRow>>,
  Check<Same<typeof forwards.$inferSelect, ForwardRow>>,
  Check<Same<typeof rejectedDeliveries.$inferSelect, Rejection>>,
];
