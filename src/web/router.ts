import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { replayDelivery } from '../hooks/replay.js';
import { createHourlyCounts } from './chart-data.js';
import { loadDelivery, renderDeliveryPage } from './delivery-page.js';
import { createSummaries } from './event-view.js';
import { html } from './views/html.js';
import { createLive } from './live.js';
import { renderLogPage } from './log-page.js';
import { readFilters } from './log-query.js';
import { loginRoutes } from './login-routes.js';
import { scopeOf } from './scope.js';
import { csrfMatches, csrfToken, currentSession, endSession, type Authed } from './session.js';
import type { WebDeps } from './web-deps.js';
import { page, type Viewer } from './views/layout.js';

export type { WebDeps } from './web-deps.js';

const STATIC = join(dirname(fileURLToPath(import.meta.url)), 'static');

/**
 * Scripts only from this origin (no inline script, no event handler attributes), styles only from the stylesheet,
 * no plugins, no framing, forms only to this origin.
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
  + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function securityHeaders(_req: Request, res: Response, next: NextFunction) {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
  next();
}

/** A POST from another site is refused before anything else (SameSite=Strict cookies and CSRF tokens stand behind it). */
function sameSiteOnly(req: Request, res: Response, next: NextFunction) {
  if (req.method === 'POST' && req.get('sec-fetch-site') === 'cross-site') {
    res.status(403).type('html').send(String(page('Refused', html`<p class="notice error">A form from another site cannot act here.</p>`)));
    return;
  }
  next();
}

/**
 * `/ui`: the delivery log. Server-rendered HTML (src/web/views/html.ts escapes every value), a strict CSP, sessions in
 * HttpOnly SameSite=Strict cookies, POST + CSRF token for every change, and on every route the check that the
 * session may see the hook in question.
 */
export function createWebRouter(deps: WebDeps): { router: express.Router; close: () => void } {
  const r = express.Router();
  const summaries = createSummaries(deps.store);
  const live = createLive(deps, summaries);
  const counts = createHourlyCounts(deps.store, () => deps.clock.now());
  r.use(securityHeaders, sameSiteOnly);
  r.use('/static', express.static(STATIC, { index: false, fallthrough: false, setHeaders: (res) => res.setHeader('Cache-Control', 'public, max-age=300') }));
  r.use(loginRoutes(deps));

  // Everything below needs a session; pages send the browser to the login form, the live stream answers 401.
  r.use(async (req: Request, res: Response, next: NextFunction) => {
    const authed = await currentSession(deps, req);
    if (authed) {
      res.locals.authed = authed;
      return next();
    }
    if (req.method === 'GET' && req.path !== '/live') return res.redirect(303, '/ui/login');
    res.status(401).type('html').send(String(page('Log in', html`<p class="notice error">Your session has ended: <a href="/ui/login">log in again</a>.</p>`)));
  });
  const authedOf = (res: Response) => res.locals.authed as Authed;
  const viewerOf = (a: Authed): Viewer => ({ guildId: a.session.guildId, csrf: csrfToken(a.sessionId) });
  /** POST bodies are small forms; the CSRF token must be the session's. */
  const form = [express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 }), (req: Request, res: Response, next: NextFunction) => {
    if (csrfMatches((req.body as Record<string, unknown> | undefined)?.csrf, authedOf(res).sessionId)) return next();
    res.status(403).type('html').send(String(page('Refused', html`<p class="notice error">This form has expired or did not come from this page: go back, reload it and try again.</p>`, viewerOf(authedOf(res)))));
  }];
  const notFound = (res: Response, a: Authed, what: string) =>
    res.status(404).type('html').send(String(page('Not found', html`<p class="notice error">${what}</p><p><a href="/ui">← deliveries</a></p>`, viewerOf(a))));

  r.get('/', async (req, res) => {
    const a = authedOf(res);
    const { filters, problems } = readFilters(req.query as Record<string, unknown>);
    const scope = await scopeOf(deps.store, a.session);
    res.type('html').send(String(await renderLogPage({ ...deps, summaries, counts }, scope, viewerOf(a), filters, problems)));
  });

  r.get('/live', async (req, res) => {
    const { filters } = readFilters(req.query as Record<string, unknown>);
    await live.stream(req, res, authedOf(res), { ...filters, cursor: undefined });
  });

  r.get('/deliveries/:id', async (req, res) => {
    const a = authedOf(res);
    const scope = await scopeOf(deps.store, a.session);
    const v = await loadDelivery(deps.store, scope, String(req.params.id));
    if (!v) return notFound(res, a, `There is no delivery ${req.params.id} among this server's hooks.`);
    const from = typeof req.query.replay_of === 'string' && /^evt_\d{1,15}$/.test(req.query.replay_of) ? req.query.replay_of : undefined;
    const notice = from ? `Replay of ${from} queued as ${v.d.id}: it goes through the hook's current rules; this page shows what it came to (reload to see it move on).` : undefined;
    res.type('html').send(String(await renderDeliveryPage(deps.store, v, viewerOf(a), { explain: req.query.explain === '1', notice })));
  });

  r.post('/deliveries/:id/replay', ...form, async (req: Request, res: Response) => {
    const a = authedOf(res);
    const id = String(req.params.id);
    const scope = await scopeOf(deps.store, a.session);
    // The same check as the page's: a delivery of another server's hook is not found, and is not replayed.
    const v = /^evt_\d{1,15}$/.test(id) ? await loadDelivery(deps.store, scope, id) : undefined;
    if (!v) return notFound(res, a, `There is no stored delivery ${id} among this server's hooks (refused deliveries have no payload to replay).`);
    const done = await replayDelivery(deps, Number(id.slice(4)));
    if (!done.ok) {
      return res.status(done.problem.kind === 'not_found' ? 404 : 409).type('html')
        .send(String(page('Not replayed', html`<p class="notice error">${done.problem.message}</p><p><a href="/ui/deliveries/${id}">← ${id}</a></p>`, viewerOf(a))));
    }
    deps.log.info({ hookId: done.value.hookId, replayOf: id, eventId: done.value.eventId, guildId: a.session.guildId }, 'delivery replayed from the delivery log');
    res.redirect(303, `/ui/deliveries/evt_${done.value.eventId}?replay_of=${id}`);
  });

  r.post('/logout', ...form, async (req: Request, res: Response) => {
    await endSession(deps, req, res, authedOf(res));
    res.redirect(303, '/ui/login');
  });

  r.use((_req: Request, res: Response) => notFound(res, authedOf(res), 'There is no such page.'));
  r.use((err: Error & { status?: number }, req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) deps.log.error({ err: err.message, path: req.path }, 'delivery log: request failed');
    if (res.headersSent) return void res.end();
    res.status(status).type('html').send(String(page('Error', html`<p class="notice error">${status === 500 ? 'Something went wrong (see hookbot\'s log).' : err.message}</p>`)));
  });

  return { router: r, close: () => live.closeAll() };
}
