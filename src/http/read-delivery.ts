import { detectCiPlatform } from '../../parsers/ci-platform.js';
import { header } from './verify.js';

type Headers = Record<string, string | string[] | undefined>;

export type Delivery =
  | { ok: true; eventType: string; deliveryId?: string; payload: string; body: Record<string, unknown> }
  | { ok: false; error: string };


const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/**
 * Reads a verified body as JSON: `application/json`, or a form (`application/x-www-form-urlencoded`): GitHub and
 * Slack interactivity put the JSON in `payload`; other forms (Slack slash commands) become an object of fields.
 */
function readBody(raw: Buffer, headers: Headers): { ok: true; json: string; value: Record<string, unknown> } | { ok: false; error: string } {
  const text = raw.toString('utf8');
  if ((header(headers, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(text);
    const inner = form.get('payload');
    if (inner === null) {
      const value = Object.fromEntries(form.entries());
      if (Object.keys(value).length === 0) return { ok: false, error: 'empty form body' };
      return { ok: true, json: JSON.stringify(value), value };
    }
    return parseJson(inner);
  }
  return parseJson(text);
}

function parseJson(text: string): { ok: true; json: string; value: Record<string, unknown> } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `malformed JSON: ${(err as Error).message}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, error: 'body must be a JSON object' };
  return { ok: true, json: text, value: value as Record<string, unknown> };
}

/** The sender's own id for this delivery, so a redelivery is recognised (each provider names it differently). */
function deliveryIdOf(headers: Headers, body: Record<string, any>): string | undefined {
  return header(headers, 'x-github-delivery') ?? header(headers, 'webhook-id') ?? header(headers, 'svix-id')
    ?? header(headers, 'idempotency-key') ?? header(headers, 'x-gitlab-event-uuid') ?? header(headers, 'x-delivery-id')
    ?? header(headers, 'x-request-id')
    ?? (/^evt_/.test(String(body.id ?? '')) ? String(body.id) : undefined) // Stripe event id
    ?? str(body.event_id) // Slack Events API
    ?? (header(headers, 'circleci-event-type') && str(body.id) ? String(body.id) : undefined);
}

/** The event name as the sender calls it. */
function eventTypeOf(headers: Headers, body: Record<string, any>): string {
  return header(headers, 'x-github-event') ?? header(headers, 'x-gitlab-event') ?? header(headers, 'circleci-event-type')
    ?? header(headers, 'x-event-type') ?? str(body.type) ?? str(body.event_type) ?? str(body.event?.type)
    ?? str(typeof body.event === 'string' ? body.event : undefined) ?? str(body.command) ?? 'event';
}

/**
 * A CI delivery's event and id. Jenkins sends neither header: the notification's own job, build number and phase
 * (or the pipeline's project, build, stage and status) identify it, so a resent notification is recognised.
 */
function ciDelivery(headers: Headers, body: Record<string, any>): { eventType: string; deliveryId?: string } {
  const { eventType } = detectCiPlatform({ headers: (name) => header(headers, name) }, body);
  const explicit = header(headers, 'idempotency-key') ?? header(headers, 'x-gitlab-event-uuid') ?? header(headers, 'x-github-delivery')
    ?? header(headers, 'x-request-id') ?? header(headers, 'x-delivery-id');
  if (explicit) return { eventType, deliveryId: explicit };
  if (eventType !== 'jenkins') return { eventType, deliveryId: str(body.id) };
  const b = body.build && typeof body.build === 'object' ? body.build : undefined;
  const id = b ? ['jenkins', body.name, b.number, b.phase, b.status].map((x) => String(x ?? '')).join(':')
    : body.project !== undefined || body.job !== undefined
      ? ['jenkins', body.project ?? body.job, body.build ?? body.build_number ?? body.number, body.stage ?? '', body.status].map((x) => String(x ?? '')).join(':')
      : undefined;
  return { eventType, deliveryId: id };
}

/** Reads a verified delivery: its JSON payload, event type and delivery id. */
export function readDelivery(service: string, raw: Buffer, headers: Headers): Delivery {
  const body = readBody(raw, headers);
  if (!body.ok) return body;
  if (service === 'github') {
    const eventType = header(headers, 'x-github-event');
    if (!eventType) return { ok: false, error: 'missing X-GitHub-Event header' };
    return { ok: true, eventType, deliveryId: header(headers, 'x-github-delivery'), payload: body.json, body: body.value };
  }
  if (service === 'ci') return { ok: true, ...ciDelivery(headers, body.value), payload: body.json, body: body.value };
  return { ok: true, eventType: eventTypeOf(headers, body.value), deliveryId: deliveryIdOf(headers, body.value), payload: body.json, body: body.value };
}
