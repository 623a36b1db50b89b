import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ApiDeps } from './api-deps.js';
import { deliveriesRoutes } from './deliveries-routes.js';
import { hooksRoutes } from './hooks-routes.js';
import { openApiDocument } from './openapi.js';
import { sendError } from './respond.js';

export type { ApiDeps } from './api-deps.js';

/** Largest request body the API reads (hook settings are small). */
const MAX_BODY = '256kb';

/** Equal tokens, compared in constant time (hashed first, so their lengths do not show either). */
function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * `/api/v1`: JSON in and out, `Authorization: Bearer <ADMIN_TOKEN>` on every route but `openapi.json`. Without
 * ADMIN_TOKEN every route answers 404 saying how to turn the API on.
 */
export function createApiRouter(deps: ApiDeps): express.Router {
  const api = express.Router();
  const token = deps.adminToken;
  if (!token) {
    api.use((_req, res) => sendError(res, 404, 'the HTTP API is off: set ADMIN_TOKEN (16 characters or more) in the environment and restart hookbot'));
    return api;
  }
  api.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  api.use((req: Request, res: Response, next: NextFunction) => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (m && sameToken(m[1], token)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="hookbot"');
    sendError(res, 401, m ? 'wrong admin token: send the ADMIN_TOKEN hookbot runs with'
      : 'missing credentials: send the header Authorization: Bearer <ADMIN_TOKEN>');
  });
  api.use(express.json({ limit: MAX_BODY }));
  api.use('/hooks', hooksRoutes(deps));
  api.use('/deliveries', deliveriesRoutes(deps));
  api.use((req, res) => sendError(res, 404, `no route ${req.method} /api/v1${req.path}: see /api/v1/openapi.json for the routes`));
  // The body reader's errors carry their status (400 malformed JSON, 413 too large); anything else is ours.
  api.use((err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) deps.log.error({ err: err.message, path: req.path }, 'API request failed');
    const error = err.type === 'entity.parse.failed' ? `the body is not valid JSON: ${err.message}`
      : status === 413 ? `the body is larger than ${MAX_BODY}` : status === 500 ? 'internal error (see the log)' : err.message;
    if (!res.headersSent) sendError(res, status, error);
  });
  return api;
}
