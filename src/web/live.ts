import type { Request, Response } from 'express';
import { deliveryQuery, logRows, type LogFilters, type Summaries } from './log-query.js';
import type { Authed } from './session.js';
import { scopeOf } from './scope.js';
import type { WebDeps } from './web-deps.js';

/** Rows of the first page a live view watches (new ones appear on top; changed ones are redrawn). */
const WATCHED = 25;
/** A comment this often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/**
 * `GET /ui/live`: server-sent events for the log's first page. Every `livePollMs` it reads the newest deliveries
 * through the same query as the page (so a replica that stored them need not be this one) and sends each row that
 * is new or changed (an outcome moving from pending to posted) as `event: row`, `{id, html}`; the script puts it in
 * place. The stream ends when the session expires, the client leaves, or hookbot stops.
 */
export function createLive(deps: WebDeps, summaries: Summaries) {
  const open = new Set<() => void>();
  const pollMs = deps.livePollMs ?? 2000;

  let stopping = false;

  async function stream(req: Request, res: Response, authed: Authed, filters: LogFilters): Promise<void> {
    if (stopping) return void res.status(503).end();
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.write('retry: 5000\n\n');
    const sent = new Map<string, string>();
    let timer: NodeJS.Timeout | undefined;
    let lastWrite = Date.now();
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      open.delete(close);
      res.end();
    };
    open.add(close);
    req.on('close', close);

    const poll = async () => {
      if (closed) return;
      const now = deps.clock.now();
      // Logged out (in another tab) or expired: the stream ends with the session.
      if (!(await deps.store.getWebSession(authed.session.idHash, new Date(now).toISOString()))) return close();
      // Hooks come and go (and move between servers): the scope is read again each time.
      const scope = await scopeOf(deps.store, authed.session);
      if (filters.hook && !scope.canSee(filters.hook)) return close();
      const { rows } = await logRows(deps.store, summaries, scope, deliveryQuery(filters, scope, now, WATCHED));
      // Oldest first, so the script puts each new row above the ones before it.
      for (const r of [...rows].reverse()) {
        const markup = String(r.html);
        if (sent.get(r.delivery.id) === markup) continue;
        sent.set(r.delivery.id, markup);
        res.write(`event: row\ndata: ${JSON.stringify({ id: r.delivery.id, html: markup })}\n\n`);
        lastWrite = Date.now();
      }
      if (sent.size > WATCHED * 8) for (const id of [...sent.keys()].slice(0, sent.size - WATCHED * 2)) sent.delete(id);
      if (Date.now() - lastWrite >= HEARTBEAT_MS) {
        res.write(': still here\n\n');
        lastWrite = Date.now();
      }
    };
    const loop = () => {
      poll().catch((err) => deps.log.warn({ err: (err as Error).message }, 'delivery log: live update failed')).finally(() => {
        if (!closed) timer = setTimeout(loop, pollMs);
      });
    };
    loop();
  }

  return {
    stream,
    /** Ends every open stream (hookbot is stopping: the listener closes only once they are gone). */
    closeAll() {
      stopping = true;
      for (const close of [...open]) close();
    },
  };
}
