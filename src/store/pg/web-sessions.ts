import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { LoginTokenUse, Store } from '../repository.js';
import type { Db } from './open-database.js';
import { webLoginTokens, webSessions } from './schema.js';

/**
 * The delivery log's one-time login links and sessions (src/web/), as ../sqlite/web-sessions.ts: kept as SHA-256
 * hashes. Every process sharing the database accepts a session any of them made.
 */
export function createWebSessions(db: Db) {
  const methods: Pick<Store, 'createLoginToken' | 'useLoginToken' | 'createWebSession' | 'getWebSession' | 'deleteWebSession'> = {
    async createLoginToken(t) {
      await db.delete(webLoginTokens).where(lt(webLoginTokens.expiresAt, t.createdAt));
      await db.insert(webLoginTokens).values(t);
    },
    async useLoginToken(tokenHash, at): Promise<LoginTokenUse> {
      // One statement: the row lock makes exactly one of two requests with the same link mark it used.
      const [used] = await db.update(webLoginTokens).set({ usedAt: at })
        .where(and(eq(webLoginTokens.tokenHash, tokenHash), isNull(webLoginTokens.usedAt), gt(webLoginTokens.expiresAt, at)))
        .returning({ guildId: webLoginTokens.guildId, userId: webLoginTokens.userId });
      if (used) return { ok: true, ...used };
      const [seen] = await db.select().from(webLoginTokens).where(eq(webLoginTokens.tokenHash, tokenHash));
      return { ok: false, reason: !seen ? 'unknown' : seen.usedAt ? 'used' : 'expired' };
    },
    async createWebSession(s) {
      await db.delete(webSessions).where(lt(webSessions.expiresAt, s.createdAt));
      await db.insert(webSessions).values(s);
    },
    async getWebSession(idHash, at) {
      return (await db.select().from(webSessions).where(and(eq(webSessions.idHash, idHash), gt(webSessions.expiresAt, at))))[0];
    },
    async deleteWebSession(idHash) {
      await db.delete(webSessions).where(eq(webSessions.idHash, idHash));
    },
  };
  return { methods };
}
