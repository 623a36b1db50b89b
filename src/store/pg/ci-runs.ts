import { and, eq, lt } from 'drizzle-orm';
import type { CiUpdate, Store } from '../repository.js';
import type { Q } from './open-database.js';
import { ciBranches, ciRuns } from './schema.js';

type RunRef = Pick<CiUpdate, 'hookId' | 'runKey'>;

/** CI runs told as a story (their folded state and live message), and the last result of each branch. */
export function createCiRuns(db: Q) {
  const run = (ci: RunRef) => and(eq(ciRuns.hookId, ci.hookId), eq(ciRuns.runKey, ci.runKey));

  /** Saves a run's new state, and its branch's result when the run finished. */
  const save = async (q: Q, ci: CiUpdate, at: string) => {
    await q.insert(ciRuns).values({ hookId: ci.hookId, runKey: ci.runKey, state: ci.state, updatedAt: at })
      .onConflictDoUpdate({ target: [ciRuns.hookId, ciRuns.runKey], set: { state: ci.state, updatedAt: at } });
    if (ci.branch) {
      const b = { result: ci.branch.result, streak: ci.branch.streak, updatedAt: at };
      await q.insert(ciBranches).values({ hookId: ci.hookId, branchKey: ci.branch.key, ...b })
        .onConflictDoUpdate({ target: [ciBranches.hookId, ciBranches.branchKey], set: b });
    }
  };
  /** The outbox row of the run's live message, if one was queued. */
  const liveOutboxId = async (q: Q, ci: RunRef): Promise<number | null> =>
    (await q.select({ id: ciRuns.liveOutboxId }).from(ciRuns).where(run(ci)))[0]?.id ?? null;
  const setLiveOutbox = async (q: Q, ci: RunRef, outboxId: number) => {
    await q.update(ciRuns).set({ liveOutboxId: outboxId }).where(run(ci));
  };
  const deleteOfHook = async (q: Q, hookId: string) => {
    await q.delete(ciRuns).where(eq(ciRuns.hookId, hookId));
    await q.delete(ciBranches).where(eq(ciBranches.hookId, hookId));
  };
  /** Runs not updated since `before` (their branches' results are kept). */
  const prune = async (q: Q, before: string) => {
    await q.delete(ciRuns).where(lt(ciRuns.updatedAt, before));
  };

  const methods: Pick<Store, 'getCiRun' | 'getCiBranch'> = {
    async getCiRun(hookId, runKey) {
      return (await db.select({ state: ciRuns.state }).from(ciRuns).where(run({ hookId, runKey })))[0]?.state;
    },
    async getCiBranch(hookId, branchKey) {
      return (await db.select({ result: ciBranches.result, streak: ciBranches.streak }).from(ciBranches)
        .where(and(eq(ciBranches.hookId, hookId), eq(ciBranches.branchKey, branchKey))))[0];
    },
  };
  return { save, liveOutboxId, setLiveOutbox, deleteOfHook, prune, methods };
}
