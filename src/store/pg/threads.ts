import { and, desc, eq } from 'drizzle-orm';
import type { Store } from '../repository.js';
import type { ThreadStep } from '../../types.js';
import type { Q } from './open-database.js';
import { threads } from './schema.js';

/** The thread of each subject of a hook (src/threads/): opened when its starter is queued, then filled in as Discord answers. */
export function createThreads(db: Q) {
  const subject = (hookId: string, subjectKey: string) => and(eq(threads.hookId, hookId), eq(threads.subjectKey, subjectKey));

  /**
   * A starter was queued (inside the caller's transaction): the subject gets a new thread record, replacing one
   * that could not be used any more (the hook moved to another channel).
   */
  const open = async (q: Q, hookId: string, channelId: string, step: ThreadStep, at: string) => {
    const fresh = {
      channelId, name: step.name ?? step.subject, url: step.url ?? null, starterMessageId: null, threadId: null,
      archived: false, forum: false, fallbackAt: null, headBranch: step.branch ?? null,
    };
    await q.insert(threads).values({ hookId, subjectKey: step.subject, createdAt: at, ...fresh })
      .onConflictDoUpdate({ target: [threads.hookId, threads.subjectKey], set: fresh });
  };
  /** A later row says where the pull request's head branch is now (null: closed). */
  const setBranch = async (q: Q, hookId: string, subjectKey: string, branch: string | null) => {
    await q.update(threads).set({ headBranch: branch }).where(subject(hookId, subjectKey));
  };
  const deleteOfHook = async (q: Q, hookId: string) => {
    await q.delete(threads).where(eq(threads.hookId, hookId));
  };

  const methods: Pick<Store, 'getThread' | 'findThreadByBranch' | 'findThreadById' | 'updateThread'> = {
    async getThread(hookId, subjectKey) {
      return (await db.select().from(threads).where(subject(hookId, subjectKey)))[0];
    },
    async findThreadByBranch(hookId, branchKey) {
      return (await db.select().from(threads).where(and(eq(threads.hookId, hookId), eq(threads.headBranch, branchKey)))
        .orderBy(desc(threads.createdAt)).limit(1))[0];
    },
    async findThreadById(threadId) {
      return (await db.select().from(threads).where(eq(threads.threadId, threadId)).limit(1))[0];
    },
    async updateThread(hookId, subjectKey, patch) {
      if (Object.keys(patch).length) await db.update(threads).set(patch).where(subject(hookId, subjectKey));
    },
  };
  return { open, setBranch, deleteOfHook, methods };
}
