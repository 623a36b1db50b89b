import { getDelivery, type DeliveryDetail } from '../hooks/deliveries.js';
import type { ForwardRow, Hook, OutboxRow, Store, StoredEvent } from '../store/store.js';
import type { NormalizedEvent } from '../types.js';
import { explainDelivery, parseStoredDelivery, summaryLine, type Explanation } from './event-view.js';
import { html, type HtmlValue, type SafeHtml } from './views/html.js';
import type { Scope } from './scope.js';
import { discordMessage } from './views/discord-message.js';
import { csrfField, httpUrl, page, timeTag, type Viewer } from './views/layout.js';
import { logLink, outcomeCell } from './views/rows.js';

/** One delivery as its page shows it; undefined when there is none the session may see. */
export interface DeliveryView {
  d: DeliveryDetail;
  hook: Hook | undefined;
  ev?: StoredEvent;
  rows: OutboxRow[];
  forwards: ForwardRow[];
}

/**
 * A delivery by id through the delivery log (the API's getDelivery), only when its hook is one the session may see:
 * another server's delivery is "not found", the same as one that does not exist.
 */
export async function loadDelivery(store: Store, scope: Scope, id: string): Promise<DeliveryView | undefined> {
  const d = await getDelivery(store, id);
  if (!d || !scope.canSee(d.hook_id)) return undefined;
  const hook = scope.hooks.get(d.hook_id);
  if (!d.id.startsWith('evt_')) return { d, hook, rows: [], forwards: [] };
  const n = Number(d.id.slice(4));
  const [ev, rows, forwards] = await Promise.all([store.getEvent(n), store.eventMessages([n]), store.eventForwards([n])]);
  return { d, hook, ev, rows, forwards };
}

const facts = (pairs: [string, HtmlValue][]) =>
  html`<dl class="facts">${pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;

const json = (v: unknown) => JSON.stringify(v, null, 2) ?? 'null';
const scalar = (v: unknown) => (typeof v === 'string' ? v : json(v));

function normalized(e: NormalizedEvent): SafeHtml {
  const url = httpUrl(e.url);
  return html`${facts([
    ['kind', e.kind], ['source · event', `${e.source} · ${e.event}${e.action ? `.${e.action}` : ''}`], ['status', e.status],
    ['title', e.title], ['link', url ? html`<a href="${url}" rel="noopener noreferrer nofollow" target="_blank">${url}</a>` : e.url],
    ['repository', e.repo], ['branch', e.branch], ['actor', e.actor?.name], ['occurred', timeTag(e.occurredAt)], ['summary', e.summary],
  ])}
<table class="kv"><tr><th>field</th><th>value</th></tr>${Object.entries(e.fields ?? {}).map(([k, v]) => html`<tr><td>${k}</td><td><code>${scalar(v)}</code></td></tr>`)}</table>`;
}

const tries = (r: Pick<OutboxRow, 'state' | 'attempts'>) => (r.state === 'sent' || r.state === 'failed' ? r.attempts + 1 : r.attempts);

function discordAttempts(v: DeliveryView): SafeHtml {
  if (!v.rows.length) return html`<p class="muted">It made no Discord message${v.d.outcome === 'aggregated' ? ' of its own (it went into a digest)' : ''}.</p>`;
  return html`${v.rows.map((r) => {
    const link = r.messageId && v.hook ? `https://discord.com/channels/${v.hook.guildId}/${r.channelId}/${r.messageId}` : undefined;
    const note = r.editOf ? `edits the message of outbox row ${r.editOf}` : r.packId !== null && r.packId !== r.id ? `posted in one message with other events (pack of row ${r.packId})` : '';
    return html`<h3>Message to channel ${r.channelId} <span class="muted">outbox row ${r.id}</span></h3>
${facts([
    ['state', html`<span class="outcome ${r.state === 'sent' ? 'posted' : r.state === 'failed' ? 'failed' : r.state === 'pending' ? 'pending' : 'filtered'}">${r.state}</span>`],
    ['attempts', `${tries(r)}${r.state === 'pending' && r.attempts ? ' (retrying)' : ''}`],
    ['queued', timeTag(r.createdAt)], ['sent', r.sentAt ? timeTag(r.sentAt) : undefined],
    ['next attempt', r.state === 'pending' && r.nextAttemptAt ? timeTag(new Date(r.nextAttemptAt).toISOString()) : undefined],
    ['Discord said', r.lastError], ['note', note],
    ['in Discord', link ? html`<a href="${link}" rel="noopener noreferrer" target="_blank">open the message</a>` : undefined],
  ])}
${discordMessage(r.body)}`;
  })}`;
}

function forwardAttempts(list: ForwardRow[]): SafeHtml {
  if (!list.length) return html`<p class="muted">No forwards.</p>`;
  return html`<table class="kv"><tr><th>to</th><th>state</th><th>attempts</th><th>last status</th><th>last error</th><th>queued</th><th>sent</th><th>next attempt</th></tr>
${list.map((f) => html`<tr><td>${f.url}</td><td>${f.state}</td><td>${f.attempts}</td><td>${f.lastStatus ?? '—'}</td><td>${f.lastError ?? '—'}</td>
<td>${timeTag(f.createdAt)}</td><td>${timeTag(f.sentAt)}</td><td>${f.state === 'pending' ? timeTag(new Date(f.nextAttemptAt).toISOString()) : '—'}</td></tr>`)}</table>`;
}

function explanation(x: Explanation): SafeHtml {
  if (!x.ok) return html`<section id="explain"><h2>Explain</h2><p class="notice error">It cannot be read now: ${x.error}</p></section>`;
  return html`<section id="explain"><h2>Explain: what the hook's current rules would do now</h2>
${facts([
    ['event', x.about], ['filters', html`${x.decision.keep ? '✅ kept' : '🚫 dropped'}: ${x.decision.reason}`],
    ['digest', x.digest], ['template', x.template ?? 'default layout'],
  ])}
<p>${x.decision.keep ? 'It would be posted as:' : 'Had it been kept, it would have been posted as:'}</p>
${discordMessage(x.preview)}</section>`;
}

/** `GET /ui/deliveries/:id`: facts, actions, the messages and their attempts, forwards, normalized fields, headers, payload. */
export async function renderDeliveryPage(
  store: Store, v: DeliveryView, viewer: Viewer, opts: { explain: boolean; notice?: string },
): Promise<SafeHtml> {
  const { d, hook, ev } = v;
  const parsed = hook && ev ? parseStoredDelivery(hook, ev) : undefined;
  const x = opts.explain && hook && ev ? await explainDelivery(store, hook, ev) : undefined;
  const body = html`<p><a href="${logLink({ hook: d.hook_id })}">← deliveries of ${d.hook_id}</a></p>
<h1>Delivery ${d.id}</h1>
${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : ''}
${facts([
    ['received', timeTag(d.received_at)], ['hook', html`<a href="${logLink({ hook: d.hook_id })}">${d.hook_id}</a>${hook ? ` · ${hook.service}` : ' (no such hook now)'}`],
    ['event', d.event], ['sender delivery id', d.delivery_id], ['outcome', outcomeCell(d)],
    ['answered', d.status ? String(d.status) : undefined], ['sender address', d.source_ip ?? undefined],
    ['title', parsed?.ok ? parsed.event.title : parsed ? `cannot be read: ${parsed.error}` : undefined],
    ['summary', parsed?.ok ? summaryLine(parsed.event) : undefined],
  ])}
${ev ? html`<div class="actions">
<form method="post" action="/ui/deliveries/${d.id}/replay">${csrfField(viewer)}<button class="primary" type="submit">Replay</button></form>
<form method="get" action="/ui/deliveries/${d.id}"><input type="hidden" name="explain" value="1"><button type="submit">Explain</button></form>
</div>` : html`<p class="muted">A refused delivery's body is not kept: there is nothing to replay. The sender may deliver it again.</p>`}
${x ? explanation(x) : ''}
${ev ? html`<h2>Discord</h2>${discordAttempts(v)}<h2>Forwards</h2>${forwardAttempts(v.forwards)}` : ''}
${parsed?.ok ? html`<h2>Normalized event</h2>${normalized(parsed.event)}` : ''}
<h2>Headers</h2>
${d.headers ? html`<p class="muted">As received, less signature, token, authorization and cookie headers (never stored).</p>
<table class="kv">${Object.entries(d.headers).map(([k, val]) => html`<tr><td>${k}</td><td>${val}</td></tr>`)}</table>` : html`<p class="muted">Not kept.</p>`}
${ev ? html`<h2>Payload</h2><pre class="json">${typeof d.payload === 'string' ? d.payload : json(d.payload)}</pre>` : ''}`;
  return page(`Delivery ${d.id}`, body, viewer);
}
