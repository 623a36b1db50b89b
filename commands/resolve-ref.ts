import type { Hook } from '../src/store/store.js';
import type { CommandContext } from './context.js';

/**
 * Finds the hook a user means: a hook id of this server (`hook_001`), or — inside its channel — a service
 * name (`github`, `docker`, `ci`, `custom`), or the name a hooks-file hook has (its id, `api-github`).
 */
export async function resolveRef(ref: string, ctx: CommandContext): Promise<Hook | undefined> {
  const id = ref.toLowerCase();
  if (/^hook_\d+$/.test(id)) {
    const hook = await ctx.store.getHook(id);
    return hook && hook.guildId === ctx.guildId ? hook : undefined;
  }
  const inChannel = await ctx.store.findHook(ctx.channelId, id);
  if (inChannel) return inChannel;
  // A hook named in the hooks file (`api-github`) is referred to by its name.
  const named = /^[a-z0-9][a-z0-9_-]{0,62}$/.test(id) ? await ctx.store.getHook(id) : undefined;
  return named && named.guildId === ctx.guildId ? named : undefined;
}
