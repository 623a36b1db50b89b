import { randomUUID } from 'node:crypto';
import { samplePush, TEST_DELIVERY_PREFIX } from '../src/samples/github-push.js';
import { sampleDockerDie } from '../src/samples/docker-die.js';
import { sampleGitlabPipeline } from '../src/samples/gitlab-pipeline.js';
import type { Hook } from '../src/store/store.js';
import { sendForward } from '../src/forward/forwarder.js';
import { DEFAULT_URL_POLICY } from '../src/forward/url-policy.js';
import type { CommandContext, CommandResult } from './context.js';
import { text } from './context.js';
import { explainCommand } from './explain.js';
import { MSG, usage } from './messages.js';
import { resolveRef } from './resolve-ref.js';

interface Sample {
  eventType: string;
  payload: (hook: Hook, at: string) => unknown;
  /** How the reply names it: `🧪 Sent <what> through …`. */
  what: string;
}

/** The realistic sample each service's `test` sends (custom hooks also get a test forward, see `testCustom`). */
const SAMPLES: Partial<Record<string, Sample>> = {
  github: { eventType: 'push', payload: (hook, at) => samplePush(hook.filters?.repo, at), what: 'a sample push' },
  docker: { eventType: 'container.die', payload: (_hook, at) => sampleDockerDie(Date.parse(at)), what: 'a sample container crash' },
  ci: { eventType: 'Pipeline Hook', payload: (_hook, at) => sampleGitlabPipeline(Date.parse(at)), what: 'a sample failed GitLab pipeline' },
};

/** The sample JSON event of a custom hook; `p` is the command prefix. */
const sampleCustom = (p: string) => ({ event: 'hookbot test', message: `This is a test event sent by ${p} test.`, severity: 'info', source: 'hookbot' });

/** Stores a sample event as if it had been delivered, and wakes the pipeline. */
async function storeSample(ctx: CommandContext, hook: Hook, eventType: string, payload: unknown, at: string): Promise<void> {
  await ctx.store.insertEvent({
    hookId: hook.id, deliveryId: `${TEST_DELIVERY_PREFIX}${randomUUID()}`, eventType, payload: JSON.stringify(payload), receivedAt: at,
  });
  ctx.kick();
}

const sent = (what: string, hook: Hook) => `🧪 Sent ${what} through **${hook.id}**; it will appear in <#${hook.channelId}>.`;

/** `!hook test <id>`: stores a realistic sample event and sends it through the whole pipeline. */
export async function testCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  // `test <id> --last` replays the latest real event through the rules instead (the same as `explain`).
  if (args.length === 2 && args[1].toLowerCase() === '--last') return explainCommand(args[0], ctx);
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  if (args.length !== 1) return text(MSG.parse('name the hook to test', usage('test', ctx.prefix)));
  const hook = await resolveRef(args[0], ctx);
  if (!hook) return text(MSG.unknownHook(args[0], ctx.prefix));
  const sample = SAMPLES[hook.service];
  if (!sample && hook.service !== 'custom') return text(MSG.notYet(`test for ${hook.service} hooks`));
  if (!hook.enabled) return text(`Hook **${hook.id}** is off; turn it on with \`${ctx.prefix} ${hook.service} on\` first.`);
  const at = new Date(ctx.clock.now()).toISOString();
  if (!sample) return testCustom(hook, at, ctx);
  await storeSample(ctx, hook, sample.eventType, sample.payload(hook, at), at);
  return text(sent(sample.what, hook));
}

/** A sample JSON event through the incoming pipeline, and a signed test forward whose answer is reported. */
async function testCustom(hook: Hook, at: string, ctx: CommandContext): Promise<CommandResult> {
  const sample = sampleCustom(ctx.prefix);
  await storeSample(ctx, hook, 'hookbot test', sample, at);
  const lines = [sent('a sample event', hook)];
  if (hook.url && hook.forwardSecret) {
    const body = JSON.stringify({ type: 'hookbot.test', timestamp: at, data: { hook: hook.id, ...sample } });
    const r = await sendForward({ url: hook.url, body, messageId: `msg_test_${randomUUID()}` }, hook.forwardSecret, ctx.clock.now(),
      { policy: ctx.forwardPolicy ?? DEFAULT_URL_POLICY });
    lines.push(r.ok
      ? `↪️ Test forward to ${hook.url}: **HTTP ${r.status}** in ${Math.round(r.ms)} ms.`
      : `↪️ Test forward to ${hook.url} failed: **${r.error ?? `HTTP ${r.status}`}** (${Math.round(r.ms)} ms).`);
  }
  return text(lines.join('\n'));
}
