import { createHash } from 'node:crypto';
import type { Clock } from '../ports.js';
import type { Store } from '../store/store.js';

/**
 * One-time login links to the delivery log (`!hook dashboard`). No express here: the chat command issues links
 * through this module, and commands may not load the HTTP stack.
 */

/** How long a login link works. */
export const LOGIN_LINK_TTL_MS = 15 * 60_000;

/** What is stored instead of a token or session id: its SHA-256 (hex). The values are 256-bit random, so no salt. */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** A login link for one server's hooks, valid 15 minutes, usable once; only its hash is stored. */
export async function issueLoginLink(
  deps: { store: Store; clock: Clock; newSecret: () => string; publicUrl: () => string }, who: { guildId: string; userId: string },
): Promise<{ url: string; expiresAt: string }> {
  const token = deps.newSecret();
  const now = deps.clock.now();
  const expiresAt = new Date(now + LOGIN_LINK_TTL_MS).toISOString();
  await deps.store.createLoginToken({
    tokenHash: hashToken(token), guildId: who.guildId, userId: who.userId, createdAt: new Date(now).toISOString(), expiresAt,
  });
  return { url: `${deps.publicUrl().replace(/\/+$/, '')}/ui/login?token=${encodeURIComponent(token)}`, expiresAt };
}
