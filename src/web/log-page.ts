import { OUTCOMES } from '../hooks/deliveries.js';
import type { Hook } from '../store/store.js';
import type { HourlyCounts } from './chart-data.js';
import { html, type SafeHtml } from './views/html.js';
import { deliveryQuery, logRows, SINCE, type LogFilters, type Summaries } from './log-query.js';
import type { Scope } from './scope.js';
import type { WebDeps } from './web-deps.js';
import { chartLegend, hourlyChart } from './views/chart.js';
import { page, type Viewer } from './views/layout.js';
import { logHead, logLink } from './views/rows.js';

/** Rows per page. */
export const PAGE_SIZE = 50;
/** Hooks with a chart above the log, at most (the most recently delivered to). */
const MAX_CHARTS = 12;

const selected = (a: string | undefined, b: string) => (a === b ? html` selected` : '');

function filtersForm(f: LogFilters, scope: Scope): SafeHtml {
  const hooks = [...scope.hooks.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  const unlisted = f.hook && !scope.hooks.has(f.hook) ? f.hook : undefined;
  return html`<form class="filters" method="get" action="/ui">
<label>Hook <select name="hook"><option value="">all hooks</option>
${unlisted ? html`<option value="${unlisted}" selected>${unlisted}</option>` : ''}
${hooks.map((h) => html`<option value="${h.id}"${selected(f.hook, h.id)}>${h.id} · ${h.service}${h.enabled ? '' : ' (off)'}</option>`)}
</select></label>
<label>Outcome <select name="outcome"><option value="">any outcome</option>
${OUTCOMES.map((o) => html`<option value="${o}"${selected(f.outcome, o)}>${o}</option>`)}
</select></label>
<label>Received <select name="since"><option value="">any time</option>
${Object.entries(SINCE).map(([k, v]) => html`<option value="${k}"${selected(f.since, k)}>${v.label}</option>`)}
</select></label>
<label>Before (UTC) <input type="datetime-local" name="until" value="${f.until ?? ''}"></label>
<button type="submit">Filter</button>
${f.hook || f.outcome || f.since || f.until ? html`<a href="/ui">clear filters</a>` : ''}
</form>`;
}

/** A chart per hook: the filtered hook's, or those of the hooks delivered to most recently. */
async function charts(counts: (hookId: string) => Promise<HourlyCounts>, f: LogFilters, scope: Scope): Promise<SafeHtml> {
  const recent = (h: Hook) => h.lastDeliveryAt ?? '';
  const hooks = f.hook ? [scope.hooks.get(f.hook)].filter((h): h is Hook => Boolean(h))
    : [...scope.hooks.values()].sort((a, b) => (recent(a) < recent(b) ? 1 : recent(a) > recent(b) ? -1 : 0)).slice(0, MAX_CHARTS);
  if (!hooks.length) return html``;
  const cards = await Promise.all(hooks.map(async (h) => {
    const { buckets, capped } = await counts(h.id);
    return html`<div class="chart"><h3><a href="${logLink({ hook: h.id })}">${h.id}</a> <span class="muted">${h.service}${h.enabled ? '' : ' · off'}${h.status === 'failing' ? ' · failing' : ''}${capped ? ' · busiest hours cut short' : ''}</span></h3>
${hourlyChart(buckets, `${h.id} deliveries per hour`)}</div>`;
  }));
  return html`<h2>Deliveries per hour, last 24 hours</h2>${chartLegend()}<div class="charts">${cards}</div>`;
}

/** `GET /ui`: the log, newest first, with filters, charts, pagination and (with the script) live updates. */
export async function renderLogPage(
  deps: WebDeps & { summaries: Summaries; counts: (hookId: string) => Promise<HourlyCounts> },
  scope: Scope, viewer: Viewer, f: LogFilters, problems: string[],
): Promise<SafeHtml> {
  const hidden = f.hook !== undefined && !scope.hooks.has(f.hook) && scope.guildId !== null;
  if (hidden) problems.push(`there is no hook ${f.hook} in this server`);
  const q = deliveryQuery(f, scope, deps.clock.now(), PAGE_SIZE);
  const { rows, next } = hidden ? { rows: [], next: null } : await logRows(deps.store, deps.summaries, scope, q);
  const base = { hook: f.hook, outcome: f.outcome, since: f.since, until: f.until };
  // Live updates only on the first page: later pages are history.
  const live = !f.cursor && !hidden ? `/ui/live${logLink(base).slice(3)}` : undefined;
  const body = html`<h1>Deliveries${f.hook ? html` of ${f.hook}` : ''}</h1>
${problems.map((p) => html`<p class="notice error">${p}</p>`)}
${filtersForm(f, scope)}
${await charts(deps.counts, f, scope)}
<table class="log"${live ? html` data-live="${live}"` : ''}>
<thead>${logHead}</thead>
<tbody>
${rows.length ? rows.map((r) => r.html) : html`<tr class="empty"><td colspan="7" class="muted">No deliveries${f.hook || f.outcome || f.since || f.until ? ' match these filters' : ' yet'}.</td></tr>`}
</tbody>
</table>
<nav class="pages">
${f.cursor ? html`<a href="${logLink(base)}">← newest</a>` : ''}
${next ? html`<a href="${logLink({ ...base, cursor: next })}" rel="next">older →</a>` : ''}
</nav>`;
  return page('Deliveries', body, viewer);
}
