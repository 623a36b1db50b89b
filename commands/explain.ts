import { formatEvent } from '../formatters/format-event.js';
import { ciView, formatCiLive } from '../formatters/ci.js';
import { ciRunView } from '../src/ci/run-view.js';
import { parseDelivery } from '../parsers/index.js';
import { decide } from '../src/rules/decide.js';
import { routeLine } from './route.js';
import type { CommandContext, CommandResult } from './context.js';
import { text } from './context.js';
import { MSG } from './messages.js';
import { resolveRef } from './resolve-ref.js';

/**
 * `!hook <ref> explain`: runs the hook's most recent real event through its current rules again and says what
 * kept or dropped it, and what the message would be now. Changes nothing.
 */
export async function explainCommand(ref: string, ctx: CommandContext): Promise<CommandResult> {
  const hook = await resolveRef(ref, ctx);
  if (!hook) return text(MSG.unknownHook(ref, ctx.prefix));
  const ev = await ctx.store.latestEvent(hook.id, { real: true });
  if (!ev) return text(`**${hook.id}** has not received an event yet. \`${ctx.prefix} test ${hook.id}\` sends a sample.`);
  const when = `<t:${Math.floor(Date.parse(ev.receivedAt) / 1000)}:R>`;
  let payload: unknown;
  try {
    payload = JSON.parse(ev.payload);
    let event = parseDelivery(hook.service, ev.eventType, payload, ev.receivedAt, hook.verify);
    // A CI job or pipeline event is part of its run: the run as it stands is what filters see.
    const run = 'ci' in event && event.ci ? await ctx.store.getCiRun(hook.id, event.ci.runKey) : undefined;
    const about = run ? `“${event.title}”, part of run ${run.runId} (${run.status})` : `“${event.title}”`;
    const view = run ? ciRunView(run) : undefined;
    if (view) event = ciView(view, null, event.occurredAt);
    const decision = decide(hook, event, { payload });
    const template = hook.templates?.[event.event] ?? hook.templates?.['*'];
    const preview = view ? formatCiLive(view, { first: false }) : formatEvent(event, template, payload);
    const lines = [
      `🔍 Latest event of **${hook.id}**: \`${ev.eventType}\` received ${when} — ${about}.`,
      decision.keep ? `✅ Kept: ${decision.reason}.` : `🚫 Dropped: ${decision.reason}.`,
      ...(decision.keep && hook.routes?.length ? [routeLine(hook, event, payload)] : []),
      `When it arrived: ${ev.outcome ?? 'not processed yet'}.`,
      template ? `Template: \`${template}\`` : 'Template: default layout.',
      decision.keep ? 'It would be posted as:' : 'Had it been kept, it would have been posted as:',
    ];
    return {
      reply: {
        content: [lines.join('\n'), preview.content].filter(Boolean).join('\n'),
        embeds: preview.embeds,
        allowed_mentions: { parse: [] },
      },
    };
  } catch (err) {
    return text(`🔍 The latest event of **${hook.id}** (\`${ev.eventType}\`, ${when}) cannot be read: ${(err as Error).message}.`);
  }
}
