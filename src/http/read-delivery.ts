type Headers = Record<string, string | string[] | undefined>;

export type Delivery =
  | { ok: true; eventType: string; deliveryId?: string; payload: string }
  | { ok: false; error: string };

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Reads a verified body: the event type and delivery id from the provider's headers, and the JSON payload
 * (GitHub may also send `application/x-www-form-urlencoded` with the JSON in `payload`).
 */
export function readDelivery(service: string, raw: Buffer, headers: Headers): Delivery {
  const text = raw.toString('utf8');
  let json = text;
  if ((header(headers, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(text).get('payload');
    if (form === null) return { ok: false, error: 'form body has no payload field' };
    json = form;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    return { ok: false, error: `malformed JSON: ${(err as Error).message}` };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, error: 'body must be a JSON object' };
  if (service === 'github') {
    const eventType = header(headers, 'x-github-event');
    if (!eventType) return { ok: false, error: 'missing X-GitHub-Event header' };
    return { ok: true, eventType, deliveryId: header(headers, 'x-github-delivery'), payload: json };
  }
  const eventType = header(headers, 'x-event-type') ?? 'event';
  return { ok: true, eventType, deliveryId: header(headers, 'x-delivery-id'), payload: json };
}
