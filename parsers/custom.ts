import type { EventStatus, FieldValue, NormalizedEvent } from '../src/types.js';
import { ParseError, trimText } from './common.js';

type Json = Record<string, any>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);

/** Colour from the words senders use for severity and status. */
function statusFromWords(...words: unknown[]): EventStatus {
  const w = words.filter((x) => typeof x === 'string').join(' ').toLowerCase();
  if (/\b(critical|crit|fatal|emerg|error|err|fail(ed|ure)?|down|alert|firing|panic|outage)\b/.test(w)) return 'failure';
  if (/\b(warn(ing)?|degraded|pending|retry)\b/.test(w)) return 'warning';
  if (/\b(ok|success(ful)?|succeeded|resolved|up|passed|healthy|recovered|paid|completed)\b/.test(w)) return 'success';
  if (/\b(info|notice|debug)\b/.test(w)) return 'info';
  return 'neutral';
}

/** Top-level scalars as fields; nested objects and arrays summarised. */
function topLevel(p: Json): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(p)) {
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) fields[k] = v as FieldValue;
    else if (Array.isArray(v)) fields[k] = `[${v.length} item${v.length === 1 ? '' : 's'}]`;
    else if (typeof v === 'object') fields[k] = `{${Object.keys(v).slice(0, 5).join(', ')}${Object.keys(v).length > 5 ? ', …' : ''}}`;
  }
  return fields;
}

/** Stripe amounts are in the smallest unit, except for zero-decimal currencies. */
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
function formatMoney(amount: number, currency: string): string {
  const c = currency.toLowerCase();
  return `${ZERO_DECIMAL.has(c) ? amount : (amount / 100).toFixed(2)} ${c.toUpperCase()}`;
}

function parseStripe(p: Json, receivedAt: string): NormalizedEvent {
  const obj: Json = p.data?.object ?? {};
  const amount = [obj.amount, obj.amount_total, obj.amount_paid, obj.amount_due].find((a) => typeof a === 'number');
  const money = amount !== undefined && typeof obj.currency === 'string' ? formatMoney(amount, obj.currency) : undefined;
  const type = String(p.type);
  const status: EventStatus = /failed|dispute|canceled|expired/.test(type) ? 'failure'
    : /succeeded|paid|completed|created/.test(type) ? 'success' : 'info';
  return {
    source: 'custom', kind: 'custom.event', event: type, title: `💳 ${type}${money ? ` — ${money}` : ''}`,
    summary: str(obj.description) ?? str(obj.last_payment_error?.message),
    url: typeof p.id === 'string' ? `https://dashboard.stripe.com/${p.livemode ? '' : 'test/'}events/${p.id}` : undefined,
    status,
    fields: {
      type, id: str(p.id) ?? null, amount: money ?? null, customer: str(obj.customer) ?? str(obj.customer_email) ?? null,
      object: str(obj.object) ?? null, object_id: str(obj.id) ?? null, object_status: str(obj.status) ?? null,
      livemode: Boolean(p.livemode),
    },
    occurredAt: typeof p.created === 'number' ? new Date(p.created * 1000).toISOString() : receivedAt,
  };
}

function parseSlack(p: Json, receivedAt: string): NormalizedEvent | undefined {
  if (p.type === 'event_callback' && p.event) {
    const e: Json = p.event;
    return {
      source: 'custom', kind: 'custom.event', event: `slack.${e.type}`, title: `💬 Slack ${String(e.type).replace(/_/g, ' ')}${e.user ? ` from <@${e.user}>` : ''}`,
      summary: str(e.text) ? trimText(e.text, 1000) : undefined, status: 'info',
      fields: { ...topLevel(p), slack_event: str(e.type) ?? null, text: str(e.text) ?? null, user: str(e.user) ?? null, channel: str(e.channel) ?? null },
      occurredAt: receivedAt,
    };
  }
  if (typeof p.command === 'string') { // slash command (form fields)
    return {
      source: 'custom', kind: 'custom.event', event: `slack.command`, title: `💬 ${p.command} ${p.text ?? ''}`.trim(),
      summary: p.user_name ? `by ${p.user_name}${p.channel_name ? ` in #${p.channel_name}` : ''}` : undefined, status: 'info',
      fields: topLevel(p), occurredAt: receivedAt,
    };
  }
  if (typeof p.type === 'string' && (p.user || p.actions)) { // interactivity payload
    const who = p.user?.username ?? p.user?.name ?? p.user?.id;
    const action = p.actions?.[0]?.action_id ?? p.actions?.[0]?.value;
    return {
      source: 'custom', kind: 'custom.event', event: `slack.${p.type}`, title: `💬 Slack ${p.type.replace(/_/g, ' ')}${action ? `: ${action}` : ''}${who ? ` by ${who}` : ''}`,
      status: 'info', fields: topLevel(p), occurredAt: receivedAt,
    };
  }
  return undefined;
}

/**
 * Any JSON into a normalized event: a title from the common fields (`title`, `event`/`type`, `message`/`text`,
 * `status`, `severity`/`level`), coloured by severity/status words, with provider-aware defaults for Stripe
 * and Slack. Pure.
 */
export function parseCustom(eventType: string, payload: unknown, receivedAt: string, scheme = 'hmac'): NormalizedEvent {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new ParseError('payload must be a JSON object');
  const p = payload as Json;
  if (scheme === 'stripe' || (p.object === 'event' && typeof p.type === 'string' && p.data?.object)) return parseStripe(p, receivedAt);
  if (scheme === 'slack') {
    const slack = parseSlack(p, receivedAt);
    if (slack) return slack;
  }
  const head = str(p.title) ?? str(p.event) ?? str(p.type) ?? str(p.alertname) ?? str(p.name) ?? str(p.subject)
    ?? (eventType !== 'event' ? eventType : undefined) ?? 'Webhook event';
  const message = str(p.message) ?? str(p.text) ?? str(p.description) ?? str(p.summary) ?? str(p.body) ?? str(p.detail);
  const severity = str(p.severity) ?? str(p.level) ?? str(p.priority);
  const state = str(p.status) ?? str(p.state);
  const status = statusFromWords(severity, state, head);
  const icon = { failure: '🚨', warning: '⚠️', success: '✅', info: 'ℹ️', neutral: '🔔', merged: '🔔' }[status];
  const url = [p.url, p.link, p.html_url, p.href].find((u) => typeof u === 'string' && /^https?:\/\//.test(u));
  return {
    source: 'custom', kind: 'custom.event', event: head, title: `${icon} ${head}${state && !head.includes(state) ? ` — ${state}` : ''}`,
    summary: message ? trimText(message, 2000) : undefined, url, status,
    actor: str(p.user) || str(p.author) || str(p.sender) ? { name: (str(p.user) ?? str(p.author) ?? str(p.sender))! } : undefined,
    repo: str(p.repo) ?? str(p.repository) ?? str(p.service) ?? str(p.project), branch: str(p.branch),
    fields: topLevel(p),
    occurredAt: receivedAt,
  };
}
