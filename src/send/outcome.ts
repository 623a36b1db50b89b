/** A delivery as the HTTP API shows it (CONTRACT.md, *HTTP API*: `GET /api/v1/deliveries`). */
export interface DeliveryView {
  id: string | number;
  hook_id?: string;
  event?: string;
  received_at?: string;
  outcome: string;
  reason?: string | null;
  messages?: { channel_id?: string; message_id?: string; url?: string; state?: string; attempts?: number }[];
}

export type OutcomeResult =
  /** The delivery left `pending` (posted, filtered, aggregated, failed…). */
  | { kind: 'done'; delivery: DeliveryView }
  /** Still `pending` when the wait was over (or not listed yet: no delivery). */
  | { kind: 'pending'; delivery?: DeliveryView; waitedMs: number }
  /** The API answered 404 (not enabled on that hookbot, or no such route). */
  | { kind: 'not_enabled'; message: string }
  | { kind: 'unauthorized'; message: string }
  | { kind: 'error'; message: string };

export interface OutcomeQuery {
  /** hookbot's base URL (`/api/v1/…` is appended). */
  apiBase: string;
  token: string;
  hookId: string;
  /** The id the hook's 202/200 answer gave (`{status, id}`), matched against the API's delivery ids. */
  storedId?: string;
  waitMs: number;
  intervalMs?: number;
}

export interface OutcomeDeps {
  fetch: typeof fetch;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

type Answer = { ok: true; json: any } | { ok: false; result: OutcomeResult };

async function getJson(deps: OutcomeDeps, url: string, token: string): Promise<Answer & { status?: number }> {
  let res: Response;
  try {
    res = await deps.fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, signal: AbortSignal.timeout(5000) });
  } catch (err) {
    return { ok: false, result: { kind: 'error', message: `cannot reach the API at ${url}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}` } };
  }
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const said = typeof json?.error === 'string' ? json.error : undefined;
  if (res.status === 404) {
    return { ok: false, status: 404, result: { kind: 'not_enabled', message: said ?? 'the HTTP API is not enabled there (set ADMIN_TOKEN on the hookbot server)' } };
  }
  if (res.status === 401 || res.status === 403) {
    return { ok: false, status: res.status, result: { kind: 'unauthorized', message: said ?? `HTTP ${res.status}: check ADMIN_TOKEN` } };
  }
  if (!res.ok || json === undefined) {
    return { ok: false, status: res.status, result: { kind: 'error', message: `the API answered ${res.status}${said ? `: ${said}` : json === undefined ? ' (not JSON)' : ''}` } };
  }
  return { ok: true, json, status: res.status };
}

/**
 * The API's ids for the delivery a hook answer named: hookbot answers `{id: 12}` and its API calls that delivery
 * `evt_12` (refused ones are `rej_…`); an id already in the API's form is taken as it is.
 */
export function apiIdsOf(storedId: string): string[] {
  return /^\d+$/.test(storedId) ? [`evt_${storedId}`, storedId] : [storedId];
}

/** The delivery this send made: the newest of the hook's when it is this one, else looked up by its id. */
async function findDelivery(deps: OutcomeDeps, q: OutcomeQuery): Promise<{ ok: true; delivery?: DeliveryView } | { ok: false; result: OutcomeResult }> {
  const base = `${q.apiBase}/api/v1/deliveries`;
  const list = await getJson(deps, `${base}?hook=${encodeURIComponent(q.hookId)}&limit=1`, q.token);
  if (!list.ok) return list;
  const newest: DeliveryView | undefined = Array.isArray(list.json?.data) ? list.json.data[0] : undefined;
  if (q.storedId === undefined) return { ok: true, delivery: newest };
  const ids = apiIdsOf(q.storedId);
  if (newest && ids.includes(String(newest.id))) return { ok: true, delivery: newest };
  // Another delivery came in after this one (or none is listed yet): ask for this one by its id.
  for (const id of ids) {
    const one = await getJson(deps, `${base}/${encodeURIComponent(id)}`, q.token);
    if (!one.ok && one.status === 404) continue;
    if (!one.ok) return one;
    const d: DeliveryView | undefined = one.json?.data ?? one.json;
    if (d && (d.hook_id === undefined || d.hook_id === q.hookId)) return { ok: true, delivery: d };
  }
  return { ok: true };
}

/**
 * Asks hookbot's HTTP API for a delivery's outcome until it is no longer `pending`, for at most `waitMs`
 * (`GET /api/v1/deliveries?hook=<id>&limit=1`, polled every `intervalMs`).
 */
export async function awaitOutcome(q: OutcomeQuery, deps: OutcomeDeps): Promise<OutcomeResult> {
  const started = deps.now();
  const interval = q.intervalMs ?? 250;
  for (;;) {
    const found = await findDelivery(deps, q);
    if (!found.ok) return found.result;
    if (found.delivery && found.delivery.outcome !== 'pending') return { kind: 'done', delivery: found.delivery };
    const waited = deps.now() - started;
    if (waited >= q.waitMs) return { kind: 'pending', delivery: found.delivery, waitedMs: waited };
    await deps.sleep(Math.min(interval, q.waitMs - waited));
  }
}
