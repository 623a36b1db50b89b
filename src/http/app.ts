import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { DEFAULT_PREFIX, NOTICE } from '../../formatters/notices.js';
import type { Ingest } from '../ingest.js';
import type { Metrics } from '../metrics.js';
import type { Clock } from '../ports.js';
import type { Store } from '../store/store.js';
import type { PollStatus } from '../poll/status.js';
import { isDatabaseUnavailable } from '../store/pg/unavailable.js';
import { keptHeaders, senderLabels } from './delivery-headers.js';
import { readDelivery } from './read-delivery.js';
import type { RejectionLog } from './rejection-log.js';
import { verifyDelivery } from './verify.js';
import { createRateLimiter } from './rate-limit.js';
import { inAllowlist, plainAddress } from '../lib/cidr.js';

export interface Health {
  ready: boolean;
  status: 'ok' | 'degraded' | 'starting';
  discord: string;
  docker: string;
  db: string;
  /** `off`, `up`, or `failed: <why>` for the ngrok tunnel. */
  tunnel?: string;
  /** The hooks file: `ok: N hooks` or `error: <file:line: …>`; absent when there is none. */
  hooksFile?: string;
  /** Several replicas: `leader` (gateway and processing) or `follower`; always `leader` on SQLite. */
  role?: 'leader' | 'follower';
  /** REPLICA_NAME. */
  replica?: string;
  /** How far behind processing is (absent while the database is unreachable). */
  queue?: { unprocessed: number; outbox_pending: number; oldest_unprocessed_age_s: number };
  /** Each poll hook's last result and next poll (src/poll/status.ts; no full URLs). */
  polls?: PollStatus[];
}

export interface AppDeps {
  /** Looks hooks up; deliveries are stored through `ingest`. */
  store: Store;
  ingest: Ingest;
  /** A delivery was stored (not a duplicate): time to process it. */
  onStored: () => void;
  log: Logger;
  metrics: Metrics;
  clock: Clock;
  maxBodyBytes: number;
  health: () => Promise<Health>;
  /** The whole `/metrics` text when other threads keep metrics too (processing runs in a worker). */
  metricsText?: () => Promise<string>;
  /** The command prefix the 401 "no secret yet" answer names (`COMMAND_PREFIX`); `!hook` when not given. */
  prefix?: string;
  /** Where deliveries answered 4xx are recorded (time, hook, status, reason, address; not the body). */
  rejections?: RejectionLog;
  /** The HTTP API, mounted at `/api/v1` (src/api/). */
  api?: express.Router;
  /** The delivery log's web pages, mounted at `/ui` (src/web/). */
  web?: express.Router;
  /**
   * Which `X-Forwarded-For` to believe for the sender's address (`TRUST_PROXY`, express's `trust proxy`): false (the
   * default) uses the connection's address, so a sender cannot pick the address an `ip_allowlist` checks.
   */
  trustProxy?: boolean | number | string;
}

const SERVICES = new Set(['github', 'ci', 'custom']);

/** The HTTP listener: verify, read, store (through the ingest's group commit), then 2xx. No formatting or business rules here. */
export function createApp(deps: AppDeps): express.Express {
  const { store, ingest, log, metrics } = deps;
  const prefix = deps.prefix ?? DEFAULT_PREFIX;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  const limiter = createRateLimiter(() => deps.clock.now());

  /** A webhook request answered 4xx is recorded, with `why` (for the delivery log) or the answer's error. */
  const recordRefusal = (req: Request, status: number, why: string) => {
    const m = /^\/webhook\/([^/]+)\/([^/]+)/.exec(req.path);
    if (!deps.rejections || !m) return;
    deps.rejections.record({
      hookId: m[2].slice(0, 100), service: m[1].slice(0, 40), status, reason: why.slice(0, 500), sourceIp: req.ip ?? null,
      ...senderLabels(req.headers), receivedAt: new Date(deps.clock.now()).toISOString(),
    });
  };
  const answer = (res: Response, service: string, status: number, body: Record<string, unknown>, why?: string) => {
    metrics.deliveries.inc({ service, status: String(status) });
    if (status >= 400 && status < 500) recordRefusal(res.req, status, why ?? String(body.error ?? ''));
    res.status(status).json(body);
  };

  app.post('/webhook/:service/:hookId', async (req: Request, res: Response, next: NextFunction) => {
    const service = String(req.params.service);
    const hookId = String(req.params.hookId);
    if (!SERVICES.has(service)) return answer(res, 'unknown', 404, { error: `unknown service ${service}` });
    const hook = await store.getHook(hookId);
    if (!hook || hook.service !== service || !hook.enabled) {
      const why = !hook ? 'no such hook' : hook.service !== service ? `${hook.id} is a ${hook.service} hook: its URL is /webhook/${hook.service}/${hook.id}`
        : `${hook.id} is off`;
      return answer(res, service, 404, { error: `no enabled ${service} hook ${hookId}` }, why);
    }
    // Before the body is read: a sender outside the allowlist, or over the limit, costs no more than this.
    if (hook.ipAllowlist?.length && !inAllowlist(hook.ipAllowlist, req.ip)) {
      const ip = plainAddress(req.ip ?? 'unknown');
      return answer(res, service, 403, { error: `deliveries from ${ip} are not accepted by this hook (its ip_allowlist)` }, `sender ${ip} is not in the ip_allowlist`);
    }
    // Custom hooks only: GitHub and CI senders do not retry a 429, so limiting them would lose events.
    if (hook.service === 'custom' && hook.rateLimit > 0) {
      const wait = limiter.take(hook.id, hook.rateLimit, hook.rateBurst ?? hook.rateLimit);
      if (wait > 0) {
        res.setHeader('Retry-After', String(wait));
        return answer(res, service, 429, { error: `over this hook's limit of ${hook.rateLimit} deliveries per minute: retry after ${wait} s` });
      }
    }
    res.locals.hook = hook;
    // From here a delivery is on its way to the ingest: a commit waits briefly for it (see ingest.ts).
    const arrived = ingest.expect();
    res.locals.arrived = arrived;
    res.once('close', arrived);
    next();
  }, express.raw({ type: () => true, limit: deps.maxBodyBytes }), async (req: Request, res: Response) => {
    const hook = res.locals.hook;
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const queryToken = hook.service === 'ci' && typeof req.query.token === 'string' ? req.query.token : undefined;
    const bad = hook.secret ? await verifyDelivery(hook, raw, req.headers, deps.clock.now(), queryToken)
      : hook.verify === 'none' ? null : NOTICE.noSecretYet(prefix);
    if (bad) {
      log.warn({ hookId: hook.id, reason: bad }, 'delivery rejected: bad signature');
      return answer(res, hook.service, 401, { error: bad });
    }
    const delivery = readDelivery(hook.service, raw, req.headers);
    if (!delivery.ok) return answer(res, hook.service, 400, { error: delivery.error });
    // Slack checks a new Events API URL by asking for its challenge back (signed, so verified above).
    if (hook.verify === 'slack' && delivery.eventType === 'url_verification') {
      const challenge = typeof delivery.body.challenge === 'string' ? delivery.body.challenge : '';
      metrics.deliveries.inc({ service: hook.service, status: '200' });
      return res.status(200).json({ challenge });
    }
    const receivedAt = new Date(deps.clock.now()).toISOString();
    res.locals.arrived();
    const { id, duplicate } = await ingest.store({
      hookId: hook.id,
      deliveryId: delivery.deliveryId ?? randomUUID(),
      eventType: delivery.eventType,
      payload: delivery.payload,
      receivedAt,
      headers: keptHeaders(req.headers),
    });
    if (duplicate) return answer(res, hook.service, 200, { status: 'duplicate', id });
    answer(res, hook.service, 202, { status: 'stored', id });
    deps.onStored();
  });

  if (deps.api) app.use('/api/v1', deps.api);
  if (deps.web) app.use('/ui', deps.web);

  app.get('/healthz', async (_req, res) => {
    const h = await deps.health();
    res.status(h.ready ? 200 : 503).json({
      status: h.status, discord: h.discord, docker: h.docker, db: h.db, ...(h.tunnel ? { tunnel: h.tunnel } : {}),
      ...(h.hooksFile ? { hooks_file: h.hooksFile } : {}),
      ...(h.role ? { role: h.role, replica: h.replica } : {}), ...(h.queue ? { queue: h.queue } : {}),
      ...(h.polls?.length ? { polls: h.polls } : {}),
    });
  });

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await (deps.metricsText?.() ?? metrics.registry.metrics()));
  });

  // Errors from the body reader carry the HTTP status (413 too large, 415 bad encoding, 400 aborted). A database
  // that cannot be reached is 503: the delivery was not stored, and the sender may send it again.
  app.use((err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : isDatabaseUnavailable(err) ? 503 : 500;
    const service = String(req.params?.service ?? 'unknown');
    if (status === 500) log.error({ err }, 'request failed');
    if (status === 503) log.warn({ err: err.message, path: req.path }, 'database unreachable: answered 503');
    const error = status === 413 ? `body larger than ${deps.maxBodyBytes} bytes` : status === 500 ? 'internal error'
      : status === 503 ? 'database unavailable: nothing was stored; try again shortly' : err.message;
    if (status === 503 && !res.headersSent) res.setHeader('Retry-After', '5');
    metrics.deliveries.inc({ service, status: String(status) });
    if (status < 500) recordRefusal(req, status, error);
    if (!res.headersSent) res.status(status).json({ error });
  });

  return app;
}
