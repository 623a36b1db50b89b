import { explainDelivery } from '../src/hooks/explain.js';
import { routeLine } from './route.js';
import type { CommandContext, CommandResult } from './context.js';
import { text } from './context.js';
import { MSG } from './messages.js';
import { resolveRef } from './resolve-ref.js';

/**
 * `!hook <ref> explain`: runs the hook's most recent real event through its current rules again (the same reading
 * as the delivery log's Explain, `src/hooks/explain.ts`) and says what kept or dropped it, and what the message
 * would be now. Changes nothing.
 */
export async function explainCommand(ref: string, ctx: CommandContext): Promise<CommandResult> {
  const hook = await resolveRef(ref, ctx);
  if (!hook) return text(MSG.unknownHook(ref, ctx.prefix));
  const ev = await ctx.store.latestEvent(hook.id, { real: true });
  if (!ev) return text(`**${hook.id}** has not received an event yet. \`${ctx.prefix} test ${hook.id}\` sends a sample.`);
  const when = `<t:${Math.floor(Date.parse(ev.receivedAt) / 1000)}:R>`;
  const x = await explainDelivery(ctx.store, hook, ev);
  if (!x.ok) return text(`🔍 The latest event of **${hook.id}** (\`${ev.eventType}\`, ${when}) cannot be read: ${x.error}.`);
  const { decision, event, payload, preview } = x;
  const lines = [
    `🔍 Latest event of **${hook.id}**: \`${ev.eventType}\` received ${when} — ${x.about}.`,
    decision.keep ? `✅ Kept: ${decision.reason}.` : `🚫 Dropped: ${decision.reason}.`,
    ...(decision.keep && hook.routes?.length ? [routeLine(hook, event, payload)] : []),
    ...(x.digest ? [`⏳ ${x.digest[0].toUpperCase()}${x.digest.slice(1)}.`] : []),
    `When it arrived: ${ev.outcome ?? 'not processed yet'}.`,
    x.template ? `Template: \`${x.template}\`` : 'Template: default layout.',
    decision.keep ? 'It would be posted as:' : 'Had it been kept, it would have been posted as:',
  ];
  return {
    reply: {
      content: [lines.join('\n'), preview.content].filter(Boolean).join('\n'),
      embeds: preview.embeds,
      allowed_mentions: { parse: [] },
    },
  };
}
