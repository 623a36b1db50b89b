import { and, desc, eq } from 'drizzle-orm';
import type { Store } from '../repository.js';
import type { ThreadStep } from '../../types.js';
import type { Db } from './open-database.js';
import { threads } from './schema.js';

/** The thread of each subject of a hook (src/threads/): opened when its starter is queued, then filled in as Discord answers. */
export function createThreads(db: Db) {
  const subject = (hookId: string, subjectKey: string) => and(eq(threads.hookId, hookId), eq(threads.subjectKey, subjectKey));

  /**
   * A starter was queued (inside the caller's transaction): the subject gets a new thread record, replacing one
   * that could not be used any more (the hook moved to another channel).
   */
  const open = (hookId: string, channelId: string, step: ThreadStep, at: string) => {
    const fresh = {
      channelId, name: step.name ?? step.subject, url: step.url ?? null, starterMessageId: null, threadId: null,
      archived: false, forum: false, fallbackAt: null, headBranch: step.branch ?? null,
    };
    db.insert(threads).values({ hookId, subjectKey: step.subject, createdAt: at, ...fresh })
      .onConflictDoUpdate({ target: [threads.hookId, threads.subjectKey], set: fresh }).run();
  };
  /** A later row says where the pull request's head branch is now (null: closed). */
  const setBranch = (hookId: string, subjectKey: string, branch: string | null) => {
    db.update(threads).set({ headBranch: branch }).where(subject(hookId, subjectKey)).run();
  };
  const deleteOfHook = (hookId: string) => {
    db.delete(threads).where(eq(threads.hookId, hookId)).run();
  };

  const methods: Pick<Store, 'getThread' | 'findThreadByBranch' | 'findThreadById' | 'updateThread'> = {
    async getThread(hookId, subjectKey) {
      return db.select().from(threads).where(subject(hookId, subjectKey)).get();
    },
    async findThreadByBranch(hookId, branchKey) {
      return db.select().from(threads).where(and(eq(threads.hookId, hookId), eq(threads.headBranch, branchKey)))
        .orderBy(desc(threads.createdAt)).limit(1).get();
    },
    async findThreadById(threadId) {
      return db.select().from(threads).where(eq(threads.threadId, threadId)).limit(1).get();
    },
    async updateThread(hookId, subjectKey, patch) {
      if (Object.keys(patch).length) db.update(threads).set(patch).where(subject(hookId, subjectKey)).run();
    },
  };
  return { open, setBranch, deleteOfHook, methods };
}
