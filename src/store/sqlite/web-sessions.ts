import { writeTx } from './open-database.js';
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { LoginTokenUse, Store } from '../repository.js';
import type { Db } from './open-database.js';
import { webLoginTokens, webSessions } from './schema.js';

/**
 * The delivery log's one-time login links and sessions (src/web/). Both are kept as SHA-256 hashes: the database
 * never holds a value that logs anyone in.
 */
export function createWebSessions(db: Db) {
  const methods: Pick<Store, 'createLoginToken' | 'useLoginToken' | 'createWebSession' | 'getWebSession' | 'deleteWebSession'> = {
    async createLoginToken(t) {
      writeTx(db, () => {
        db.delete(webLoginTokens).where(lt(webLoginTokens.expiresAt, t.createdAt)).run();
        db.insert(webLoginTokens).values(t).run();
      });
    },
    async useLoginToken(tokenHash, at): Promise<LoginTokenUse> {
      // One statement: of two requests with the same link, exactly one marks it used.
      const [used] = db.update(webLoginTokens).set({ usedAt: at })
        .where(and(eq(webLoginTokens.tokenHash, tokenHash), isNull(webLoginTokens.usedAt), gt(webLoginTokens.expiresAt, at)))
        .returning({ guildId: webLoginTokens.guildId, userId: webLoginTokens.userId }).all();
      if (used) return { ok: true, ...used };
      const seen = db.select().from(webLoginTokens).where(eq(webLoginTokens.tokenHash, tokenHash)).get();
      return { ok: false, reason: !seen ? 'unknown' : seen.usedAt ? 'used' : 'expired' };
    },
    async createWebSession(s) {
      writeTx(db, () => {
        db.delete(webSessions).where(lt(webSessions.expiresAt, s.createdAt)).run();
        db.insert(webSessions).values(s).run();
      });
    },
    async getWebSession(idHash, at) {
      return db.select().from(webSessions).where(and(eq(webSessions.idHash, idHash), gt(webSessions.expiresAt, at))).get();
    },
    async deleteWebSession(idHash) {
      db.delete(webSessions).where(eq(webSessions.idHash, idHash)).run();
    },
  };
  return { methods };
}
