import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Clock } from '../ports.js';
import type { Store, WebSession } from '../store/store.js';
import { hashToken } from './login-token.js';

/**
 * Delivery-log sessions: a random id in an HttpOnly, SameSite=Strict cookie (Secure behind https), stored hashed so
 * any process sharing the database accepts it; the CSRF token of POST forms is derived from the id.
 */

export const SESSION_COOKIE = 'hookbot_session';
/** How long a session lasts. */
export const SESSION_TTL_MS = 12 * 3_600_000;

/** The value of one cookie of the request. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Cookies are Secure when the request came over https or the public URL is https (a TLS proxy in front). */
export const wantsSecure = (req: Request, publicUrl: string): boolean => req.secure || publicUrl.startsWith('https:');

function cookie(value: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/ui; Max-Age=${maxAgeS}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** The CSRF token of a session: an HMAC of a fixed label keyed by the session id (nothing to store or sync). */
export const csrfToken = (sessionId: string): string => createHmac('sha256', sessionId).update('hookbot csrf v1').digest('base64url');

/** A form's CSRF token matches the session's, compared in constant time. */
export function csrfMatches(given: unknown, sessionId: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(csrfToken(sessionId));
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A logged-in request: the session row and its id (from the cookie; only its hash is stored). */
export interface Authed {
  session: WebSession;
  sessionId: string;
}

/** Starts a session for a server's hooks (or every server's, `guildId` null) and sets its cookie. */
export async function startSession(
  deps: { store: Store; clock: Clock; publicUrl: () => string }, req: Request, res: Response, who: { guildId: string | null; userId: string | null },
): Promise<void> {
  const id = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  await deps.store.createWebSession({
    idHash: hashToken(id), guildId: who.guildId, userId: who.userId,
    createdAt: new Date(now).toISOString(), expiresAt: new Date(now + SESSION_TTL_MS).toISOString(),
  });
  res.append('Set-Cookie', cookie(id, SESSION_TTL_MS / 1000, wantsSecure(req, deps.publicUrl())));
}

/** The request's session, when its cookie names one that has not expired. */
export async function currentSession(deps: { store: Store; clock: Clock }, req: Request): Promise<Authed | undefined> {
  const id = readCookie(req, SESSION_COOKIE);
  if (!id || !/^[\w-]{43}$/.test(id)) return undefined;
  const session = await deps.store.getWebSession(hashToken(id), new Date(deps.clock.now()).toISOString());
  return session ? { session, sessionId: id } : undefined;
}

/** Ends the session: the row is deleted and the cookie cleared. */
export async function endSession(deps: { store: Store; publicUrl: () => string }, req: Request, res: Response, authed: Authed): Promise<void> {
  await deps.store.deleteWebSession(authed.session.idHash);
  res.append('Set-Cookie', cookie('', 0, wantsSecure(req, deps.publicUrl())));
}
