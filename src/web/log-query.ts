import { decodeCursor, listDeliveries, OUTCOMES, type Delivery, type DeliveryQuery, type Outcome } from '../hooks/deliveries.js';
import type { Store } from '../store/store.js';
import { createSummaries } from './event-view.js';
import type { SafeHtml } from './views/html.js';
import type { Scope } from './scope.js';
import { deliveryRow } from './views/rows.js';

/** The log's filters as the page's query string has them. */
export interface LogFilters {
  hook?: string;
  outcome?: Outcome;
  /** `1h`, `24h` or `7d`: received since then. */
  since?: string;
  /** `YYYY-MM-DDTHH:MM` (UTC): received before then. */
  until?: string;
  cursor?: string;
}

export const SINCE: Record<string, { label: string; ms: number }> = {
  '1h': { label: 'last hour', ms: 3_600_000 },
  '24h': { label: 'last 24 hours', ms: 86_400_000 },
  '7d': { label: 'last 7 days', ms: 7 * 86_400_000 },
};

const str = (v: unknown, max: number) => (typeof v === 'string' && v && v.length <= max ? v : undefined);

/** The filters of a query string, and what was wrong with it (said on the page; the wrong part is left out). */
export function readFilters(query: Record<string, unknown>): { filters: LogFilters; problems: string[] } {
  const problems: string[] = [];
  const f: LogFilters = {};
  f.hook = str(query.hook, 100);
  const outcome = str(query.outcome, 20);
  if (outcome && (OUTCOMES as readonly string[]).includes(outcome)) f.outcome = outcome as Outcome;
  else if (outcome) problems.push(`outcome is one of ${OUTCOMES.join(', ')}`);
  const since = str(query.since, 5);
  if (since && SINCE[since]) f.since = since;
  else if (since) problems.push('since is 1h, 24h or 7d');
  const until = str(query.until, 30);
  if (until && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(until) && Number.isFinite(Date.parse(`${until}Z`))) f.until = until;
  else if (until) problems.push('until is a date and time like 2026-01-31T18:00 (UTC)');
  const cursor = str(query.cursor, 500);
  if (cursor && decodeCursor(cursor)) f.cursor = cursor;
  else if (cursor) problems.push('that page link is not one this log gave out: showing the newest deliveries');
  return { filters: f, problems };
}

/** The delivery-log query (src/hooks/deliveries.ts, the API's) for these filters, within what the session may see. */
export function deliveryQuery(f: LogFilters, scope: Scope, now: number, limit: number): DeliveryQuery {
  return {
    hook: f.hook,
    hooks: scope.guildId === null ? undefined : [...scope.hooks.keys()],
    outcome: f.outcome,
    since: f.since ? new Date(now - SINCE[f.since].ms).toISOString() : undefined,
    until: f.until ? new Date(`${f.until}Z`).toISOString() : undefined,
    limit,
    cursor: f.cursor,
  };
}

export type Summaries = ReturnType<typeof createSummaries>;

/** One page of the log as rows (each with its summary line), and the next page's cursor. */
export async function logRows(
  store: Store, summaries: Summaries, scope: Scope, q: DeliveryQuery,
): Promise<{ rows: { delivery: Delivery; html: SafeHtml }[]; next: string | null }> {
  const page = await listDeliveries(store, q);
  // The store filtered by the session's hooks already; this check is the second lock on the same door.
  const data = page.data.filter((d) => scope.canSee(d.hook_id));
  const ids = data.filter((d) => d.id.startsWith('evt_')).map((d) => Number(d.id.slice(4)));
  const lines = await summaries(ids, scope.hooks);
  const rows = data.map((d) => {
    const summary = d.id.startsWith('evt_') ? lines.get(Number(d.id.slice(4))) : undefined;
    return { delivery: d, html: deliveryRow(d, { service: scope.hooks.get(d.hook_id)?.service, summary }) };
  });
  return { rows, next: page.next_cursor };
}
