type Headers = Record<string, string | string[] | undefined>;

/** Headers that carry a credential: a signature, a token, a password or a session. Never stored. */
const CREDENTIAL = /signature|token|secret|authorization|cookie|api[-_]?key|password|credential/i;

/**
 * The request headers kept with a stored delivery (shown by the delivery log): everything but credentials, so a
 * replay or a look at "what did the sender say" does not hand anyone a signature or token.
 */
export function keptHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || CREDENTIAL.test(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

const first = (headers: Headers, names: string[]) => {
  for (const n of names) {
    const v = headers[n];
    const s = Array.isArray(v) ? v[0] : v;
    if (s) return s.slice(0, 200);
  }
  return null;
};

/** What a refused delivery's headers say it was (the body of a refused delivery is never read or kept). */
export function senderLabels(headers: Headers): { eventType: string | null; deliveryId: string | null } {
  return {
    eventType: first(headers, ['x-github-event', 'x-gitlab-event', 'circleci-event-type', 'x-event-type']),
    deliveryId: first(headers, ['x-github-delivery', 'webhook-id', 'svix-id', 'x-gitlab-event-uuid', 'idempotency-key', 'x-request-id', 'x-delivery-id']),
  };
}
