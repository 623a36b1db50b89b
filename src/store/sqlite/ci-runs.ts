import { and, eq, lt } from 'drizzle-orm';
import type { CiUpdate, Store } from '../repository.js';
import type { Db } from './open-database.js';
import { ciBranches, ciRuns } from './schema.js';

type RunRef = Pick<CiUpdate, 'hookId' | 'runKey'>;

/** CI runs told as a story (their folded state and live message), and the last result of each branch. */
export function createCiRuns(db: Db) {
  const run = (ci: RunRef) => and(eq(ciRuns.hookId, ci.hookId), eq(ciRuns.runKey, ci.runKey));

  /** Saves a run's new state, and its branch's result when the run finished. */
  const save = (ci: CiUpdate, at: string) => {
    db.insert(ciRuns).values({ hookId: ci.hookId, runKey: ci.runKey, state: ci.state, updatedAt: at })
      .onConflictDoUpdate({ target: [ciRuns.hookId, ciRuns.runKey], set: { state: ci.state, updatedAt: at } }).run();
    if (ci.branch) {
      const b = { result: ci.branch.result, streak: ci.branch.streak, updatedAt: at };
      db.insert(ciBranches).values({ hookId: ci.hookId, branchKey: ci.branch.key, ...b })
        .onConflictDoUpdate({ target: [ciBranches.hookId, ciBranches.branchKey], set: b }).run();
    }
  };
  /** The outbox row of the run's live message, if one was queued. */
  const liveOutboxId = (ci: RunRef): number | null => db.select({ id: ciRuns.liveOutboxId }).from(ciRuns).where(run(ci)).get()?.id ?? null;
  const setLiveOutbox = (ci: RunRef, outboxId: number) => {
    db.update(ciRuns).set({ liveOutboxId: outboxId }).where(run(ci)).run();
  };
  const deleteOfHook = (hookId: string) => {
    db.delete(ciRuns).where(eq(ciRuns.hookId, hookId)).run();
    db.delete(ciBranches).where(eq(ciBranches.hookId, hookId)).run();
  };
  /** Runs not updated since `before` (their branches' results are kept). */
  const prune = (before: string) => {
    db.delete(ciRuns).where(lt(ciRuns.updatedAt, before)).run();
  };

  const methods: Pick<Store, 'getCiRun' | 'getCiBranch'> = {
    async getCiRun(hookId, runKey) {
      return db.select({ state: ciRuns.state }).from(ciRuns).where(run({ hookId, runKey })).get()?.state;
    },
    async getCiBranch(hookId, branchKey) {
      return db.select({ result: ciBranches.result, streak: ciBranches.streak }).from(ciBranches)
        .where(and(eq(ciBranches.hookId, hookId), eq(ciBranches.branchKey, branchKey))).get();
    },
  };
  return { save, liveOutboxId, setLiveOutbox, deleteOfHook, prune, methods };
}
