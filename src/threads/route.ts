import type { ParsedEvent } from '../alerts/alerts.js';
import { shaKey } from '../alerts/pr-state.js';
import type { EventResult, Hook, NewOutboxRow, Store } from '../store/store.js';
import type { CiInfo, DiscordMessage, ThreadStep } from '../types.js';
import { jobLine, openStepBody, runThreadName, withFollowButtons } from './messages.js';
import { githubSubject, subjectKey } from './subject.js';

/** Threads read or opened while one batch of events is processed (the batch's rows are written together at its end). */
export interface ThreadBatch {
  /** By `<hook>\0<subject>`: the channel of the subject's thread, or null when it has none. */
  subjects: Map<string, { channelId: string } | null>;
  /** By `<hook>\0<owner/repo:branch>`: the pull request whose head branch it is, or null once it closed. */
  branches: Map<string, string | null>;
}

export const newThreadBatch = (): ThreadBatch => ({ subjects: new Map(), branches: new Map() });

const batchKey = (hookId: string, k: string) => `${hookId}\u0000${k}`;

/** The subject's thread as this batch knows it: opened earlier in the batch, or stored. */
async function threadOf(store: Store, batch: ThreadBatch, hookId: string, subject: string) {
  const k = batchKey(hookId, subject);
  if (!batch.subjects.has(k)) {
    const t = await store.getThread(hookId, subject);
    batch.subjects.set(k, t ? { channelId: t.channelId } : null);
  }
  return batch.subjects.get(k) ?? null;
}

async function subjectOfBranch(store: Store, batch: ThreadBatch, hookId: string, branch: string): Promise<string | undefined> {
  const k = batchKey(hookId, branch);
  if (batch.branches.has(k)) return batch.branches.get(k) ?? undefined;
  return (await store.findThreadByBranch(hookId, branch))?.subjectKey;
}

function noteBranch(batch: ThreadBatch, hookId: string, subject: string, branch: string | null | undefined): void {
  if (branch === undefined) return;
  for (const [k, v] of batch.branches) if (v === subject) batch.branches.set(k, null);
  if (branch) batch.branches.set(batchKey(hookId, branch), subject);
}

/** The first message of a subject: posted in the channel with Follow / Mute, then the thread is opened on it. */
function opening(first: NewOutboxRow, step: Omit<ThreadStep, 'step'> & { name: string }): NewOutboxRow[] {
  return [
    { ...first, line: null, body: withFollowButtons(first.body), thread: { ...step, step: 'starter' } },
    { channelId: first.channelId, hookId: first.hookId, body: openStepBody(step.name), line: null, thread: { subject: step.subject, step: 'open' } },
  ];
}

/** A pull request's or issue's events: the first opens its thread, later ones go into it, lifecycle and failures to the channel. */
async function routeGithub(store: Store, hook: Hook, parsed: ParsedEvent, result: EventResult, batch: ThreadBatch): Promise<EventResult> {
  const payload = parsed.payload as Record<string, any>;
  const s = githubSubject(parsed.stored.eventType, payload);
  if (!s) return result;
  const repo = String(payload.repository?.full_name ?? '');
  let key = s.key;
  if (!key && s.sha) {
    const n = Number(await store.getMeta(shaKey(repo, s.sha)));
    if (Number.isInteger(n) && n > 0) key = subjectKey(repo, n);
  }
  if (!key && s.pushBranch) key = await subjectOfBranch(store, batch, hook.id, s.pushBranch);
  if (!key) return result;
  const known = await threadOf(store, batch, hook.id, key);
  const branch = s.branch !== undefined ? { branch: s.branch } : {};
  let messages: NewOutboxRow[];
  if (known?.channelId !== hook.channelId) {
    // No thread in the hook's channel yet: the first pull request or issue event opens one (checks and pushes do not).
    if (!s.opens || !s.name) return result;
    const [first, ...rest] = result.messages;
    messages = [
      ...opening(first, { subject: key, name: s.name, ...(s.url ? { url: s.url } : {}), tag: s.lifecycle ?? 'open', ...branch }),
      ...rest.map((m) => ({ ...m, thread: { subject: key, step: 'post' as const } })),
    ];
    batch.subjects.set(batchKey(hook.id, key), { channelId: hook.channelId });
  } else {
    const inChannel = s.lifecycle !== undefined || s.failure;
    messages = result.messages.map((m, i) => ({
      ...m, ...(inChannel ? { line: null } : {}),
      thread: { subject: key, step: inChannel ? 'channel' as const : 'post' as const, ...(s.lifecycle ? { tag: s.lifecycle } : {}), ...(i === 0 ? branch : {}) },
    }));
  }
  noteBranch(batch, hook.id, key, s.branch);
  return { ...result, messages };
}

/** A pipeline run: its live message starts the thread and stays in the channel, job news goes into the thread, the outcome to the channel. */
async function routeCi(store: Store, hook: Hook, ci: CiInfo, result: EventResult, batch: ThreadBatch): Promise<EventResult> {
  const liveAt = result.messages.findIndex((m) => m.ci === 'live');
  const edits = result.messages.some((m) => m.ci === 'edit');
  // Without threads, only edits need a look: they must follow a live message that went out in a thread's queue.
  if (!hook.threads && !edits) return result;
  const subject = `run:${ci.runKey}`;
  const known = await threadOf(store, batch, hook.id, subject);
  const has = known?.channelId === hook.channelId;
  if (!has && (liveAt === -1 || !hook.threads)) return result;
  const run = result.ci?.state ?? ci;
  const name = runThreadName(run);
  const messages: NewOutboxRow[] = [];
  const job = ci.level === 'job' && hook.threads && result.messages.some((m) => m.ci) ? jobLine(ci.jobs[0]) : null;
  for (const m of result.messages) {
    if (m.ci === 'live') {
      messages.push(...opening(m, { subject, name, ...(run.url ? { url: run.url } : {}) }));
      batch.subjects.set(batchKey(hook.id, subject), { channelId: hook.channelId });
    } else if (m.ci === 'edit') {
      messages.push({ ...m, thread: { subject, step: 'edit' } });
    } else {
      messages.push({ ...m, line: null, thread: { subject, step: 'channel' } });
    }
    if (m.ci && job && !messages.some((x) => x.thread?.step === 'post')) {
      const body: DiscordMessage = { content: job, allowed_mentions: { parse: [] } };
      messages.push({ channelId: hook.channelId, hookId: hook.id, body, line: job, thread: { subject, step: 'post' } });
    }
  }
  return { ...result, messages };
}

/**
 * Puts an event's messages on its subject's thread, when its hook has threads on (see ThreadStep in src/types.ts):
 * rows of one subject form one queue, in order — starter, thread creation, then what goes into the thread or to the
 * channel. Alerts are added after this and stay in the channel's own queue.
 */
export async function routeThreads(store: Store, hook: Hook, parsed: ParsedEvent, result: EventResult, batch: ThreadBatch): Promise<EventResult> {
  if (result.messages.length === 0) return result;
  if (hook.service === 'github' && hook.threads) return routeGithub(store, hook, parsed, result, batch);
  const ci = 'ci' in parsed.event ? parsed.event.ci : undefined;
  if (hook.service === 'ci' && ci) return routeCi(store, hook, ci, result, batch);
  return result;
}
