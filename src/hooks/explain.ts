import { ciView, formatCiLive } from '../../formatters/ci.js';
import { windowLabel } from '../../formatters/digest.js';
import { renderEvent } from '../../formatters/format-event.js';
import { ciRunView } from '../ci/run-view.js';
import { parseStored } from '../pipeline/process-event.js';
import { decide, type Decision } from '../rules/decide.js';
import { TEST_DELIVERY_PREFIX } from '../samples/github-push.js';
import type { Hook, Store, StoredEvent } from '../store/store.js';
import type { DiscordMessage, NormalizedEvent } from '../types.js';

/** A stored delivery read as hookbot reads it: its payload and the event its hook's parser makes of it. */
export type ParsedDelivery = { ok: true; payload: unknown; event: NormalizedEvent } | { ok: false; error: string };

/** Parses a stored delivery with its hook's parser (the pipeline's reading), never throwing. */
export function parseStoredDelivery(hook: Hook, ev: StoredEvent): ParsedDelivery {
  try {
    const { payload, event } = parseStored(hook, ev);
    return { ok: true, payload, event };
  } catch (err) {
    const why = (err as Error).message;
    return { ok: false, error: err instanceof SyntaxError ? `the payload is not JSON: ${why}` : why };
  }
}

/** What the hook's current settings would do with a stored delivery now. */
export type Explanation =
  | {
    ok: true; about: string; decision: Decision; digest: string | null; template: string | null; preview: DiscordMessage;
    /** The event as the rules saw it (a CI event as its run), and its payload. */
    event: NormalizedEvent; payload: unknown;
  }
  | { ok: false; error: string };

/**
 * Runs a stored delivery through its hook's current filters, template and aggregation again, changing nothing (the
 * reading `!hook <ref> explain` gives of the latest event, for any delivery): kept or dropped and why, whether it
 * would wait for a digest, and the message it would make.
 */
export async function explainDelivery(store: Store, hook: Hook, ev: StoredEvent): Promise<Explanation> {
  const parsed = parseStoredDelivery(hook, ev);
  if (!parsed.ok) return parsed;
  let event = parsed.event;
  // A CI job or pipeline event is part of its run: the run as it stands is what filters see.
  const run = 'ci' in event && event.ci ? await store.getCiRun(hook.id, event.ci.runKey) : undefined;
  const view = run ? ciRunView(run) : undefined;
  const about = run ? `“${event.title}”, part of run ${run.runId} (${run.status})` : `“${event.title}”`;
  if (view) event = ciView(view, null, event.occurredAt);
  const test = ev.deliveryId.startsWith(TEST_DELIVERY_PREFIX);
  const decision = decide(hook, event, { test, payload: parsed.payload });
  const template = hook.templates?.[event.event] ?? hook.templates?.['*'] ?? null;
  const preview = view && !template ? formatCiLive(view, { first: false }) : renderEvent(event, template, parsed.payload).body;
  const bypass = hook.aggregateExcept !== 'none' && event.status === 'failure';
  const digest = hook.aggregateSeconds > 0 && !test && decision.keep
    ? (bypass ? `the hook posts digests every ${windowLabel(hook.aggregateSeconds)}, but failures are posted at once`
      : `it would wait for the hook's digest (every ${windowLabel(hook.aggregateSeconds)})`)
    : null;
  return { ok: true, about, decision, digest, template, preview, event, payload: parsed.payload };
}
