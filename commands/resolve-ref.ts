import type { Hook } from '../src/store/store.js';
import type { CommandContext } from './context.js';

/**
 * Finds the hook a user means: a hook id of this server (`hook_001`), or — inside its channel — a service
 * name (`github`, `docker`, `ci`, `custom`).
 */
export async function resolveRef(ref: string, ctx: CommandContext): Promise<Hook | undefined> {
  const id = ref.toLowerCase();
  if (/^hook_\d+$/.test(id)) {
    const hook = await ctx.store.getHook(id);
    return hook && hook.guildId === ctx.guildId ? hook : undefined;
  }
  return ctx.store.findHook(ctx.channelId, id);
}
