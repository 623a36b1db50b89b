import type { Delivery } from '../../hooks/deliveries.js';
import { html, type SafeHtml } from './html.js';
import { timeTag } from './layout.js';

/** What a row needs besides the delivery: the hook's service (when the hook still exists) and the summary line. */
export interface RowExtras {
  service?: string;
  summary?: string;
}

/** A link to the log with these filters. */
export function logLink(q: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v) params.set(k, v);
  const s = params.toString();
  return `/ui${s ? `?${s}` : ''}`;
}

/** An outcome badge with its reason under it. */
export function outcomeCell(d: Pick<Delivery, 'outcome' | 'reason' | 'status'>): SafeHtml {
  const label = d.outcome === 'rejected' && d.status ? `rejected ${d.status}` : d.outcome;
  // "posted: posted" says nothing twice.
  const reason = d.reason && d.reason !== d.outcome ? html`<span class="reason">${d.reason}</span>` : '';
  return html`<span class="outcome ${d.outcome}">${label}</span>${reason}`;
}

/** The Discord links of a delivery's messages (posted ones), or a dash. */
function messageLinks(d: Delivery): SafeHtml {
  const posted = d.messages.filter((m) => m.url);
  if (!posted.length) return html`<span class="muted">—</span>`;
  return html`${posted.map((m, i) => html`${i ? ' ' : ''}<a href="${m.url!}" rel="noopener noreferrer" target="_blank">open in Discord</a>`)}`;
}

/** One row of the log: time, hook, source and event, summary, outcome with its reason, Discord link, details. */
export function deliveryRow(d: Delivery, x: RowExtras): SafeHtml {
  const source = x.service ?? '';
  return html`<tr data-id="${d.id}" data-at="${d.received_at}">
<td class="when"><a href="/ui/deliveries/${d.id}">${timeTag(d.received_at)}</a></td>
<td><a href="${logLink({ hook: d.hook_id })}">${d.hook_id}</a></td>
<td>${source}${source && d.event ? ' · ' : ''}${d.event ?? (source ? '' : '—')}</td>
<td class="summary">${x.summary ?? (d.outcome === 'rejected' ? html`<span class="muted">refused: the body was not kept</span>` : '')}</td>
<td>${outcomeCell(d)}</td>
<td class="links">${messageLinks(d)}</td>
<td><a href="/ui/deliveries/${d.id}">${d.id}</a></td>
</tr>`;
}

/** The log's table head. */
export const logHead = html`<tr><th>Received</th><th>Hook</th><th>Source · event</th><th>Summary</th><th>Outcome</th><th>Discord</th><th>Delivery</th></tr>`;
