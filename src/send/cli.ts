import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { ArgError, parseSendArgs, USAGE, type SendPlan } from './args.js';
import { awaitOutcome, type OutcomeResult } from './outcome.js';
import { signRequest } from './sign.js';

/** What the sender needs from outside; the entry (`bin/hookbot.mjs`) passes the real ones, tests their own. */
export interface SendDeps {
  /** The environment: `--secret-env NAME` and `ADMIN_TOKEN` are read from it, nothing else. */
  env: Readonly<Record<string, string | undefined>>;
  /** Standard output and standard error, one call per line. */
  out?: (line: string) => void;
  err?: (line: string) => void;
  fetch?: typeof fetch;
  readFile?: (path: string) => Buffer;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** What one send did, as `--json` prints it. */
export interface SendResult {
  request: { url: string; scheme: string; scheme_from: string; event: string | null; delivery_id: string | null; payload: string; bytes: number };
  response: { status: number; body: unknown } | { error: string };
  /** The delivery's outcome from the HTTP API, when asked for. */
  delivery?: { outcome: string; reason: string | null; id: string | number; messages: { url?: string; state?: string }[] } | null;
  api?: { status: OutcomeResult['kind'] | 'skipped'; message?: string };
}

/** Headers that carry the delivery's own id, by scheme (shown so a delivery can be found and resent). */
const ID_HEADERS = ['X-GitHub-Delivery', 'X-Gitlab-Event-UUID', 'webhook-id'];
const MAX_SHOWN = 4000;

/** Generated headers, then `--header`s replacing any of the same name (case-insensitive), as given. */
function requestHeaders(plan: SendPlan, nowMs: number): Record<string, string> {
  const headers = signRequest(plan.scheme, plan.secret, plan.body, {
    nowMs, event: plan.event, deliveryId: plan.deliveryId, tokenHeader: plan.tokenHeader,
  });
  for (const [name, value] of plan.headers) {
    for (const k of Object.keys(headers)) if (k.toLowerCase() === name.toLowerCase()) delete headers[k];
    headers[name] = value;
  }
  return headers;
}

function hintFor(status: number, plan: SendPlan): string | undefined {
  if (status === 401) return `hint: the hook refused the signature or token; signed as ${plan.scheme} (from ${plan.schemeFrom}) — check the secret, and --scheme if the hook verifies another way`;
  if (status === 404) return 'hint: no enabled hook at this URL — check the id (!hook list) and that the hook is on';
  if (status === 400) return 'hint: hookbot could not read the payload (see the answer above)';
  if (status === 413) return 'hint: the payload is larger than the server\'s MAX_BODY_BYTES';
  return undefined;
}

function describeOutcome(r: OutcomeResult): string[] {
  switch (r.kind) {
    case 'done': {
      const d = r.delivery;
      const links = (d.messages ?? []).map((m) => `  ${m.url ?? `message ${m.message_id ?? '?'} in channel ${m.channel_id ?? '?'}`}${m.state && m.state !== 'sent' ? ` (${m.state})` : ''}`);
      return [`outcome: ${d.outcome}${d.reason && d.reason !== d.outcome ? ` — ${d.reason}` : ''}`, ...links];
    }
    case 'pending':
      return [`outcome: still pending after ${Math.round(r.waitedMs / 1000)} s${r.delivery ? '' : ' (the API does not list this delivery yet)'}`];
    case 'not_enabled':
      return [`outcome: not available — the HTTP API answered 404: ${r.message}`];
    case 'unauthorized':
      return [`outcome: not available — the HTTP API refused ADMIN_TOKEN: ${r.message}`];
    case 'error':
      return [`outcome: not available — ${r.message}`];
  }
}

/**
 * `hookbot send <hook-url> [options]`: signs a payload as its provider would, POSTs it, prints the answer and, with
 * `ADMIN_TOKEN`, the delivery's outcome and Discord message links from the HTTP API.
 * @returns the exit code: 0 the hook answered 2xx, 1 another answer or none, 2 bad arguments
 */
export async function runSend(argv: string[], deps: SendDeps): Promise<number> {
  const out = deps.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const err = deps.err ?? ((l: string) => process.stderr.write(`${l}\n`));
  const doFetch = deps.fetch ?? fetch;
  const now = deps.now ?? Date.now;
  let plan: SendPlan;
  try {
    const parsed = parseSendArgs(argv, { env: deps.env, readFile: deps.readFile ?? ((p) => readFileSync(p)), nowMs: now() });
    if ('help' in parsed) {
      out(USAGE);
      return 0;
    }
    plan = parsed;
  } catch (e) {
    if (!(e instanceof ArgError)) throw e;
    err(`hookbot send: ${e.message}`);
    err(`${USAGE.split('\n')[0]}\n(hookbot send --help lists the options)`);
    return 2;
  }

  const headers = requestHeaders(plan, now());
  const deliveryId = ID_HEADERS.map((h) => headers[h]).find(Boolean) ?? null;
  const result: SendResult = {
    request: {
      url: plan.url.href, scheme: plan.scheme, scheme_from: plan.schemeFrom, event: plan.event ?? null, delivery_id: deliveryId,
      payload: plan.payloadFrom, bytes: plan.body.length,
    },
    response: { error: 'not sent' },
  };
  const say = (line: string) => {
    if (!plan.json) out(line);
  };
  say(`→ POST ${plan.url.href}`);
  say(`  ${plan.scheme} (from ${plan.schemeFrom})${plan.event ? ` · event ${plan.event}` : ''} · ${plan.payloadFrom} · ${plan.body.length} bytes${deliveryId ? ` · delivery ${deliveryId}` : ''}`);

  let status: number;
  let answer: unknown;
  try {
    const res = await doFetch(plan.url, { method: 'POST', headers, body: new Uint8Array(plan.body), redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    status = res.status;
    const text = await res.text();
    try {
      answer = JSON.parse(text);
    } catch {
      answer = text;
    }
    result.response = { status, body: answer };
    say(`← ${status}${res.statusText ? ` ${res.statusText}` : ''}${res.headers.get('location') ? ` → ${res.headers.get('location')}` : ''}`);
    const shown = typeof answer === 'string' ? answer : JSON.stringify(answer);
    if (shown) say(shown.length > MAX_SHOWN ? `${shown.slice(0, MAX_SHOWN)}… (${shown.length} characters)` : shown);
  } catch (e) {
    const why = (e as Error).name === 'TimeoutError' ? 'no answer within 30 s' : reason(e);
    result.response = { error: why };
    if (plan.json) out(JSON.stringify(result));
    else err(`hookbot send: could not reach ${plan.url.href}: ${why}`);
    return 1;
  }

  const ok = status >= 200 && status < 300;
  if (!ok) {
    const hint = hintFor(status, plan);
    if (hint && !plan.json) err(hint);
  } else {
    const storedId = answer && typeof answer === 'object' && 'id' in answer ? String((answer as { id: unknown }).id) : undefined;
    const outcome = await lookUpOutcome(plan, storedId, { fetch: doFetch, now, sleep: deps.sleep ?? ((ms) => delay(ms)) });
    if (outcome.kind === 'skipped') {
      result.api = { status: 'skipped', message: outcome.why };
      if (outcome.tell) say(outcome.why);
    } else {
      result.api = { status: outcome.kind, ...('message' in outcome ? { message: outcome.message } : {}) };
      const d = outcome.kind === 'done' || outcome.kind === 'pending' ? outcome.delivery : undefined;
      result.delivery = d ? { id: d.id, outcome: d.outcome, reason: d.reason ?? null, messages: (d.messages ?? []).map((m) => ({ url: m.url, state: m.state })) } : null;
      for (const line of describeOutcome(outcome)) say(line);
    }
  }
  if (plan.json) out(JSON.stringify(result));
  return ok ? 0 : 1;
}

/** `ECONNREFUSED`, `bad port`…: what fetch's error wraps, without the "fetch failed" around it. */
function reason(e: unknown): string {
  const cause = (e as Error).cause as (Error & { code?: string }) | undefined;
  return cause ? [cause.code, cause.message].filter(Boolean).join(' ') : (e as Error).message;
}

type Looked = OutcomeResult | { kind: 'skipped'; why: string; tell: boolean };

async function lookUpOutcome(plan: SendPlan, storedId: string | undefined, deps: Parameters<typeof awaitOutcome>[1]): Promise<Looked> {
  if (plan.waitMs === 0) return { kind: 'skipped', why: '--wait 0', tell: false };
  if (!plan.apiBase || !plan.hookId) return { kind: 'skipped', why: 'not a hookbot hook URL: no API to ask', tell: false };
  if (!plan.adminToken) return { kind: 'skipped', why: '(set ADMIN_TOKEN to see the delivery\'s outcome and its Discord message)', tell: true };
  if (storedId === undefined) return { kind: 'skipped', why: 'the answer names no stored delivery', tell: false };
  return awaitOutcome({ apiBase: plan.apiBase, token: plan.adminToken, hookId: plan.hookId, storedId, waitMs: plan.waitMs }, deps);
}
