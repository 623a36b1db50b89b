import { formatDuration } from '../../formatters/duration.js';
import type { CiJob, CiRun, DiscordActionRow, DiscordMessage } from '../types.js';

/** Custom ids of the starter message's buttons (src/discord/thread-buttons.ts answers them). */
export const FOLLOW_ID = 'hookbot:follow';
export const MUTE_ID = 'hookbot:mute';

/** Discord's limit for a thread's name. */
const NAME_MAX = 100;

/** A thread's name: one line, at most 100 characters (`#45 Add OAuth support`). */
export function threadName(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim() || 'hookbot';
  return one.length <= NAME_MAX ? one : `${one.slice(0, NAME_MAX - 1).trimEnd()}…`;
}

/** `#45 Add OAuth support` */
export const subjectName = (number: number, title: string | undefined) => threadName(`#${number}${title ? ` ${title}` : ''}`);

/** `acme/api #123 · main`: the run's own name stays on its live message (GitLab's is `Pipeline for branch: main`). */
export function runThreadName(run: Pick<CiRun, 'runNumber' | 'runId' | 'project' | 'branch'>): string {
  return threadName([`${run.project} #${run.runNumber ?? run.runId}`, run.branch].filter(Boolean).join(' · '));
}

/**
 * The Follow / Mute buttons. Their custom ids name no thread: the message they sit on is the thread's starter, and a
 * thread started from a message has that message's id (a forum post's first message has the post's), so the click's
 * message id is the thread's.
 */
export function followButtons(): DiscordActionRow {
  return {
    type: 1,
    components: [
      { type: 2, style: 1, label: 'Follow', custom_id: FOLLOW_ID, emoji: { name: '🔔' } },
      { type: 2, style: 2, label: 'Mute', custom_id: MUTE_ID, emoji: { name: '🔕' } },
    ],
  };
}

/** The subject's first message, with the buttons to follow its thread. */
export const withFollowButtons = (body: DiscordMessage): DiscordMessage => ({ ...body, components: [followButtons()] });

/** The starter posted again when the first one (or its thread) was deleted: the thread's events carry on under it. */
export function restartedStarter(name: string, url: string | null): DiscordMessage {
  return withFollowButtons({
    content: `🧵 **${name.replace(/[*_`~|]/g, '\\$&')}** — the thread continues here${url ? `\n<${url}>` : ''}`,
    allowed_mentions: { parse: [] },
  });
}

/** The body of an `open` step (never posted: the step creates the thread): what the delivery log shows for it. */
export const openStepBody = (name: string): DiscordMessage => ({ content: `🧵 ${name}`, allowed_mentions: { parse: [] } });

const JOB_ICON: Partial<Record<CiJob['status'], string>> = { passed: '✅', failed: '❌', canceled: '⚪', skipped: '⏭️', manual: '⏸️' };

/** One job's news for its run's thread (`✅ **test** passed in 1m 2s`), for finished and manual jobs only. */
export function jobLine(job: CiJob): string | null {
  const icon = JOB_ICON[job.status];
  if (!icon) return null;
  const name = job.url ? `[**${job.name}**](${job.url})` : `**${job.name}**`;
  const stage = job.stage && job.stage !== job.name ? ` (${job.stage})` : '';
  const what = job.status === 'manual' ? 'waits for someone to start it' : job.status;
  const took = job.durationSeconds !== null && job.status !== 'manual' ? ` in ${formatDuration(job.durationSeconds)}` : '';
  const why = job.status === 'failed' && job.failureReason ? `: ${job.failureReason}` : '';
  const allowed = job.status === 'failed' && job.allowFailure ? ' (allowed to fail)' : '';
  return `${icon} ${name}${stage} ${what}${took}${why}${allowed}`.slice(0, 1900);
}
