import type { Logger } from 'pino';
import { parseDelivery, ParseError } from '../../parsers/index.js';
import { digestItem } from '../../formatters/digest.js';
import { decide } from '../rules/decide.js';
import { runAlerts, type ParsedEvent } from '../alerts/alerts.js';
import { tellCiStory, type CiBatchState } from '../ci/story.js';
import { forwardsFor } from '../forward/select.js';
import { TEST_DELIVERY_PREFIX } from '../samples/github-push.js';
import { routeThreads, type ThreadBatch } from '../threads/route.js';
import type { RouteWindow } from './digests.js';
import { ownChannelOnly, routedMessages } from './routed.js';
import type { EventResult, Hook, NewDigestItem, NewOutboxRow, Store, StoredEvent } from '../store/store.js';
import type { DiscordMessage } from '../types.js';

/** What processing one event needs to know besides the event: read once per batch by the pipeline. */
export interface EventScope {
  /** The event's hook (undefined when it was deleted). */
  hook: Hook | undefined;
  /** The forward hooks of the hook's channel. */
  targets: Hook[];
  /** The end of the hook's open digest window, when the hook posts digests (or is in its quiet hours). */
  windowEnd: number | undefined;
  /** Set when that window is the hook's quiet hours (their length, s): then every event waits, failures too. */
  quietSeconds?: number;
  /** CI runs read or changed in this batch. */
  ciBatch: CiBatchState;
  /** Subject threads read or opened in this batch. */
  threads: ThreadBatch;
  /** The open digest window of a route's own channel (routes with `aggregate`); without it, routes post at once. */
  routeWindow?: RouteWindow;
}

/** Parses a stored delivery, once: JSON, then the service's parser. Throws (ParseError, SyntaxError). */
export function parseStored(hook: Hook, stored: StoredEvent): ParsedEvent {
  const payload: unknown = JSON.parse(stored.payload);
  return { stored, payload, event: parseDelivery(hook.service, stored.eventType, payload, stored.receivedAt, hook.verify) };
}

/**
 * One stored event, from its payload to what is to be written: its outcome, its messages (and alerts), its
 * forwards, its digest item, its CI run's state. No writes here (CI runs read their state; the pipeline saves
 * every result of a batch in one transaction).
 */
export async function processEvent(deps: { store: Store; log: Logger }, stored: StoredEvent, scope: EventScope): Promise<EventResult> {
  const { hook } = scope;
  if (!hook || !hook.enabled) return outcome(stored, 'dropped: hook removed or disabled');
  const failed = (err: unknown): EventResult => {
    const why = err instanceof ParseError ? err.message : `unexpected: ${(err as Error).message}`;
    deps.log.warn({ eventId: stored.id, hookId: stored.hookId, err: why }, 'event could not be processed');
    return outcome(stored, `error: ${why}`);
  };
  let parsed: ParsedEvent;
  try {
    parsed = parseStored(hook, stored);
  } catch (err) {
    return failed(err);
  }
  let result: EventResult;
  try {
    result = await eventResult(deps.store, hook, parsed, scope);
    // A pull request's, issue's or pipeline run's messages go on its thread when the hook has threads on.
    result = await ownChannelOnly(hook, result, (r) => routeThreads(deps.store, hook, parsed, r, scope.threads));
  } catch (err) {
    result = failed(err);
  }
  // alert-if sees every event of the hook (also ones its filters drop), and alerts never wait for a digest.
  return { ...result, messages: [...result.messages, ...(await runAlerts(deps, hook, parsed))] };
}

function outcome(stored: StoredEvent, text: string, messages: NewOutboxRow[] = []): EventResult {
  return { eventId: stored.id, outcome: text, messages };
}

/** Decide, render, forward, digest — after a CI event has been told as its run's story. */
async function eventResult(store: Store, hook: Hook, parsed: ParsedEvent, scope: EventScope): Promise<EventResult> {
  const { stored, payload } = parsed;
  let { event } = parsed;
  const test = stored.deliveryId.startsWith(TEST_DELIVERY_PREFIX);
  const windowEnd = (hook.aggregateSeconds > 0 || scope.quietSeconds) && !test ? scope.windowEnd : undefined;
  let ciBody: DiscordMessage | undefined;
  let pre: Pick<EventResult, 'messages' | 'ci'> & { notes: string[] } = { messages: [], notes: [] };
  if (hook.service === 'ci' && 'ci' in event && event.ci) {
    // Pipelines and jobs are told as one story per run; only its outcome goes on like an ordinary event.
    const story = await tellCiStory(store, hook, event, scope.ciBatch, { test, digesting: windowEnd !== undefined });
    pre = { messages: story.messages, ci: story.ci, notes: story.notes };
    if (!story.final) return { ...outcome(stored, pre.notes.join('; ') || 'run updated, nothing to post', pre.messages), ci: pre.ci };
    event = story.final.view;
    ciBody = story.final.body;
  }
  const withPre = (r: EventResult): EventResult => ({
    ...r, messages: [...pre.messages, ...r.messages], ci: pre.ci,
    outcome: pre.notes.length ? `${r.outcome} (${pre.notes.join('; ')})` : r.outcome,
  });
  const decision = decide(hook, event, { test, payload });
  if (!decision.keep) return withPre(outcome(stored, `filtered: ${decision.reason}`));
  // Routes pick the channels (and templates); digests stay the hook's (its aggregate setting, its channel).
  const routed = routedMessages(hook, event, payload, ciBody);
  if (!routed.ok) return withPre(outcome(stored, `filtered: ${routed.reason}`));
  const forwards = forwardsFor(scope.targets, stored.id, hook, event, payload);
  // In a digest window, the event waits for the digest; failures bypass it unless told otherwise.
  const bypass = !scope.quietSeconds && hook.aggregateExcept !== 'none' && event.status === 'failure';
  // Quiet hours hold everything; otherwise a route with its own window keeps its messages for its channel's digest.
  const own = scope.quietSeconds ? { rows: routed.rows, digests: [], notes: [] } : await routeDigests(hook, routed, event, scope, test);
  const routeNote = own.notes.length ? ` (${own.notes.join('; ')})` : '';
  if (windowEnd !== undefined && !bypass && own.rows.length) {
    const why = scope.quietSeconds ? 'quiet hours, digest' : 'digest';
    return withPre({
      ...outcome(stored, `aggregated: ${why} at ${new Date(windowEnd).toISOString()}${routeNote}`), forwards, routeDigests: own.digests,
      digest: { hookId: hook.id, windowEnd, windowSeconds: scope.quietSeconds ?? hook.aggregateSeconds, item: { ...digestItem(event) } },
    });
  }
  if (!own.rows.length) return withPre({ ...outcome(stored, `aggregated: ${own.notes.join('; ')}`), forwards, routeDigests: own.digests });
  return withPre({ ...outcome(stored, `${routed.outcome}${routeNote}`, own.rows), forwards, routeDigests: own.digests });
}

/**
 * Splits a routed event's messages: those of routes with their own `aggregate` wait in that route channel's digest
 * window (failures and test events bypass it, as with the hook's own aggregation); the rest are posted.
 */
async function routeDigests(
  hook: Hook, routed: { rows: NewOutboxRow[]; destinations: { channelId: string; aggregateSeconds?: number }[] },
  event: ParsedEvent['event'], scope: EventScope, test: boolean,
): Promise<{ rows: NewOutboxRow[]; digests: NewDigestItem[]; notes: string[] }> {
  const out = { rows: [] as NewOutboxRow[], digests: [] as NewDigestItem[], notes: [] as string[] };
  for (const [i, d] of routed.destinations.entries()) {
    const seconds = d.aggregateSeconds;
    if (!seconds || !scope.routeWindow || test || event.status === 'failure') {
      out.rows.push(routed.rows[i]);
      continue;
    }
    const windowEnd = await scope.routeWindow(d.channelId, seconds);
    out.digests.push({ hookId: hook.id, channelId: d.channelId, windowEnd, windowSeconds: seconds, item: { ...digestItem(event) } });
    out.notes.push(`route digest in <#${d.channelId}> at ${new Date(windowEnd).toISOString()}`);
  }
  return out;
}
