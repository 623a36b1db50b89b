import { formatCiFinal, formatCiLive, ciView } from '../../formatters/ci.js';
import { decide } from '../rules/decide.js';
import type { CiUpdate, Hook, NewOutboxRow, Store } from '../store/store.js';
import type { CiBranchState, CiEvent, CiRun, DiscordMessage } from '../types.js';
import { ciRunView } from './run-view.js';
import { trackCi } from './tracker.js';

/** Runs and branch results read or changed while one batch of events is processed (saved with the batch). */
export interface CiBatchState {
  runs: Map<string, CiRun | undefined>;
  branches: Map<string, CiBranchState | undefined>;
}

export const newCiBatchState = (): CiBatchState => ({ runs: new Map(), branches: new Map() });

export interface CiStory {
  /** The live message and its edits (never packed, never digested). */
  messages: NewOutboxRow[];
  /** The outcome as one event, when the run finished: filters, templates, digests and forwards treat it like any event. */
  final?: { view: CiEvent; body: DiscordMessage };
  notes: string[];
  ci?: CiUpdate;
}

const branchKeyOf = (r: Pick<CiRun, 'platform' | 'project' | 'branch'>) => `${r.platform}:${r.project}:${r.branch ?? ''}`;

/**
 * A CI pipeline or job event, told as a story: the run's first event posts a live message ("⚙️ Pipeline started"),
 * later job and stage events edit it, and the outcome is posted as its own message (so it notifies), named
 * broken / still failing / fixed per project and branch. `!hook test` samples use a throwaway state.
 */
export async function tellCiStory(
  store: Store, hook: Hook, event: CiEvent, batch: CiBatchState, opts: { test: boolean; digesting: boolean },
): Promise<CiStory> {
  const runKey = event.ci!.runKey;
  const key = `${hook.id}\u0000${runKey}`;
  if (!opts.test && !batch.runs.has(key)) batch.runs.set(key, await store.getCiRun(hook.id, runKey));
  const prev = opts.test ? undefined : batch.runs.get(key);
  const branchKey = branchKeyOf({ ...event.ci!, branch: prev?.branch ?? event.ci!.branch });
  const bKey = `${hook.id}\u0000${branchKey}`;
  if (!opts.test && !batch.branches.has(bKey)) {
    const b = await store.getCiBranch(hook.id, branchKey);
    batch.branches.set(bKey, b ? { result: b.result === 'failed' ? 'failed' : 'passed', streak: b.streak } : undefined);
  }
  const { run, actions } = trackCi(prev, event, opts.test ? undefined : batch.branches.get(bKey));
  const story: CiStory = { messages: [], notes: [] };
  const row = (body: DiscordMessage, ci: 'live' | 'edit'): NewOutboxRow => ({ channelId: hook.channelId, hookId: hook.id, body: { ...body }, ci });
  let branch: CiUpdate['branch'];
  const view = ciRunView(run);
  for (const a of actions) {
    if (a.type === 'live') {
      const d = decide(hook, ciView(view, null, event.occurredAt));
      if (opts.digesting) {
        run.live = false;
        story.notes.push('live message skipped: this hook posts digests');
      } else if (!d.keep) {
        run.live = false;
        story.notes.push(`live message filtered: ${d.reason}`);
      } else {
        story.messages.push(row(formatCiLive(view, { first: true }), 'live'));
        story.notes.push('live message posted');
      }
    } else if (a.type === 'edit') {
      if (run.live) {
        story.messages.push(row(formatCiLive(view, { first: false }), 'edit'));
        story.notes.push('live message edited');
      }
    } else {
      story.final = { view: ciView(view, a.transition, event.occurredAt), body: formatCiFinal(view, a.transition, a.branch, event.occurredAt) };
      if (a.branch) {
        branch = { key: branchKey, result: a.branch.result, streak: a.branch.streak };
        batch.branches.set(bKey, a.branch);
      }
    }
  }
  if (!opts.test) {
    batch.runs.set(key, run);
    story.ci = { hookId: hook.id, runKey, state: run, ...(branch ? { branch } : {}) };
  }
  return story;
}
