import { randomUUID } from 'node:crypto';
import { samplePush, TEST_DELIVERY_PREFIX } from '../src/samples/github-push.js';
import { sampleDockerDie } from '../src/samples/docker-die.js';
import { sampleGitlabPipeline } from '../src/samples/gitlab-pipeline.js';
import type { CommandContext, CommandResult } from './context.js';
import { explainCommand } from './explain.js';
import type { Hook } from '../src/store/store.js';
import { sendForward } from '../src/forward/forwarder.js';
import { text } from './context.js';
import { MSG, usage } from './messages.js';
import { resolveRef } from './resolve-ref.js';


/** `!hook test <id>`: stores a realistic sample event and sends it through the whole pipeline. */
export async function testCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  // `test <id> --last` replays the latest real event through the rules instead (the same as `explain`).
  if (args.length === 2 && args[1].toLowerCase() === '--last') return explainCommand(args[0], ctx);
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  if (args.length !== 1) return text(MSG.parse('name the hook to test', usage('test', ctx.prefix)));
  const hook = await resolveRef(args[0], ctx);
  if (!hook) return text(MSG.unknownHook(args[0], ctx.prefix));
  if (!['github', 'custom', 'docker', 'ci'].includes(hook.service)) return text(MSG.notYet(`test for ${hook.service} hooks`));
  if (!hook.enabled) return text(`Hook **${hook.id}** is off; turn it on with \`${ctx.prefix} ${hook.service} on\` first.`);
  const at = new Date(ctx.clock.now()).toISOString();
  if (hook.service === 'custom') return testCustom(hook, at, ctx);
  if (hook.service === 'ci') {
    await ctx.store.insertEvent({
      hookId: hook.id, deliveryId: `${TEST_DELIVERY_PREFIX}${randomUUID()}`, eventType: 'Pipeline Hook',
      payload: JSON.stringify(sampleGitlabPipeline(Date.parse(at))), receivedAt: at,
    });
    ctx.kick();
    return text(`🧪 Sent a sample failed GitLab pipeline through **${hook.id}**; it will appear in <#${hook.channelId}>.`);
  }
  if (hook.service === 'docker') {
    await ctx.store.insertEvent({
      hookId: hook.id, deliveryId: `${TEST_DELIVERY_PREFIX}${randomUUID()}`, eventType: 'container.die',
      payload: JSON.stringify(sampleDockerDie(Date.parse(at))), receivedAt: at,
    });
    ctx.kick();
    return text(`🧪 Sent a sample container crash through **${hook.id}**; it will appear in <#${hook.channelId}>.`);
  }
  await ctx.store.insertEvent({
    hookId: hook.id,
    deliveryId: `${TEST_DELIVERY_PREFIX}${randomUUID()}`,
    eventType: 'push',
    payload: JSON.stringify(samplePush(hook.filters?.repo, at)),
    receivedAt: at,
  });
  ctx.kick();
  return text(`🧪 Sent a sample push through **${hook.id}**; it will appear in <#${hook.channelId}>.`);
}

const SAMPLE_CUSTOM = { event: 'hookbot test', message: 'This is a test event sent by !hook test.', severity: 'info', source: 'hookbot' };

/** A sample JSON event through the incoming pipeline, and a signed test forward whose answer is reported. */
async function testCustom(hook: Hook, at: string, ctx: CommandContext): Promise<CommandResult> {
  await ctx.store.insertEvent({
    hookId: hook.id, deliveryId: `${TEST_DELIVERY_PREFIX}${randomUUID()}`, eventType: 'hookbot test',
    payload: JSON.stringify(SAMPLE_CUSTOM), receivedAt: at,
  });
  ctx.kick();
  const lines = [`🧪 Sent a sample event through **${hook.id}**; it will appear in <#${hook.channelId}>.`];
  if (hook.url && hook.forwardSecret) {
    const body = JSON.stringify({ type: 'hookbot.test', timestamp: at, data: { hook: hook.id, ...SAMPLE_CUSTOM } });
    const r = await sendForward({ url: hook.url, body, messageId: `msg_test_${randomUUID()}` }, hook.forwardSecret, ctx.clock.now(),
      { policy: ctx.forwardPolicy ?? { privateAddresses: 'allow', allowLinkLocal: false } });
    lines.push(r.ok
      ? `↪️ Test forward to ${hook.url}: **HTTP ${r.status}** in ${Math.round(r.ms)} ms.`
      : `↪️ Test forward to ${hook.url} failed: **${r.error ?? `HTTP ${r.status}`}** (${Math.round(r.ms)} ms).`);
  }
  return text(lines.join('\n'));
}
