import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { html, type SafeHtml } from './views/html.js';
import { hashToken, LOGIN_LINK_TTL_MS } from './login-token.js';
import { createTryLimiter } from './rate-limit.js';
import { startSession } from './session.js';
import type { WebDeps } from './web-deps.js';
import { page } from './views/layout.js';

/** Equal tokens, compared in constant time (hashed first, so their lengths do not show either). */
function sameToken(given: string, expected: string): boolean {
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}

const REFUSED: Record<'unknown' | 'used' | 'expired', string> = {
  unknown: 'This is not a login link hookbot gave out. Ask for one with !hook dashboard (or /hook dashboard) in your server.',
  used: 'This login link was used already: each link works once. Ask for a new one with !hook dashboard (or /hook dashboard).',
  expired: `This login link has expired (links work ${LOGIN_LINK_TTL_MS / 60_000} minutes). Ask for a new one with !hook dashboard (or /hook dashboard).`,
};

function loginPage(deps: WebDeps, opts: { token?: string; error?: string } = {}): SafeHtml {
  const linkForm = opts.token ? html`<h1>Log in to the delivery log</h1>
<p>This one-time link shows the hooks of the server it was asked for in. It works once and for ${LOGIN_LINK_TTL_MS / 60_000} minutes.</p>
<form method="post" action="/ui/login"><input type="hidden" name="token" value="${opts.token}"><button class="primary" type="submit">Log in</button></form>` : '';
  const adminForm = deps.adminToken ? html`<h2>${opts.token ? 'Or, as the operator' : 'Log in as the operator'}</h2>
<form method="post" action="/ui/login"><label>ADMIN_TOKEN <input type="password" name="admin_token" autocomplete="current-password" required></label><button type="submit">Log in (every server)</button></form>` : '';
  const hint = opts.token ? '' : html`<p>Ask hookbot for a login link in your server: <code>!hook dashboard</code> (sent by DM) or <code>/hook dashboard</code>.</p>`;
  return page('Log in', html`<div class="login">
${opts.error ? html`<p class="notice error" role="alert">${opts.error}</p>` : ''}
${linkForm}${hint}${adminForm}
</div>`);
}

/**
 * `/ui/login`: GET shows the form (a link's token goes in a POST form, so a link preview or prefetch cannot use it);
 * POST logs in with a link's token (once) or ADMIN_TOKEN. Every POST counts against the address's tries.
 */
export function loginRoutes(deps: WebDeps): express.Router {
  const r = express.Router();
  const limit = deps.loginLimit ?? { tries: 10, windowMs: 5 * 60_000 };
  const limiter = createTryLimiter({ ...limit, now: () => deps.clock.now() });

  r.get('/login', (req, res) => {
    const token = typeof req.query.token === 'string' && req.query.token.length <= 200 ? req.query.token : undefined;
    res.type('html').send(String(loginPage(deps, { token })));
  });

  r.post('/login', express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 }), async (req: Request, res: Response) => {
    const refuse = (status: number, error: string, token?: string) => res.status(status).type('html').send(String(loginPage(deps, { error, token })));
    const wait = limiter.take(req.ip ?? 'unknown');
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      deps.log.warn({ ip: req.ip }, 'delivery log: too many login attempts');
      return refuse(429, `Too many login attempts from your address: try again in ${wait} seconds.`);
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body.token === 'string' && body.token) {
      const used = await deps.store.useLoginToken(hashToken(body.token), new Date(deps.clock.now()).toISOString());
      if (!used.ok) {
        deps.log.info({ ip: req.ip, reason: used.reason }, 'delivery log: login link refused');
        return refuse(401, REFUSED[used.reason]);
      }
      await startSession(deps, req, res, { guildId: used.guildId, userId: used.userId });
      deps.log.info({ guildId: used.guildId, userId: used.userId }, 'delivery log: logged in with a link');
      return res.redirect(303, '/ui');
    }
    if (typeof body.admin_token === 'string' && body.admin_token) {
      if (!deps.adminToken) return refuse(401, 'Operator login is off: hookbot runs without ADMIN_TOKEN.');
      if (!sameToken(body.admin_token, deps.adminToken)) {
        deps.log.warn({ ip: req.ip }, 'delivery log: wrong admin token');
        return refuse(401, 'Wrong admin token: give the ADMIN_TOKEN hookbot runs with.');
      }
      await startSession(deps, req, res, { guildId: null, userId: null });
      deps.log.info({ ip: req.ip }, 'delivery log: operator logged in');
      return res.redirect(303, '/ui');
    }
    return refuse(400, 'Give a login link\'s token or the admin token.');
  });

  return r;
}
