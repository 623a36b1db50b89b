import type { Hook, Store, WebSession } from '../store/store.js';

/**
 * What a session may see: one server's hooks (a login link's), or every hook (ADMIN_TOKEN). Every route asks
 * `canSee` of the hook a delivery belongs to, so one server's session never shows another server's deliveries.
 */
export interface Scope {
  /** null: every server. */
  guildId: string | null;
  /** The hooks this session may see, by id. */
  hooks: Map<string, Hook>;
  /** A delivery of this hook id may be shown (admin: also refused deliveries to ids that are no hook). */
  canSee(hookId: string): boolean;
}

export async function scopeOf(store: Store, session: Pick<WebSession, 'guildId'>): Promise<Scope> {
  const list = session.guildId === null ? await store.allHooks() : await store.listHooks(session.guildId);
  const hooks = new Map(list.filter((h) => session.guildId === null || h.guildId === session.guildId).map((h) => [h.id, h]));
  return { guildId: session.guildId, hooks, canSee: (id) => session.guildId === null || hooks.has(id) };
}
