import type { NewEvent, Store } from '../../src/store/repository.js';
import type { CiRun, DigestItem } from '../../src/types.js';

/** One store under test: `other()` opens a second connection (or pool) on the same database. */
export interface TestStore {
  store: Store;
  close: () => Promise<void>;
  other: () => Promise<{ store: Store; close: () => Promise<void> }>;
}
export type MakeStore = () => Promise<TestStore>;

/** What each test gets: a fresh, empty store with hook_001 (GitHub, in channel C) created. */
export interface Ctx {
  store: Store;
  other: TestStore['other'];
}

export const C = '100000000000000002';
export const T0 = '2026-01-01T00:00:00.000Z';
export const delivery = (deliveryId: string, over: Partial<NewEvent> = {}): NewEvent =>
  ({ hookId: 'hook_001', deliveryId, eventType: 'push', payload: '{"n":1}', receivedAt: T0, ...over });
export const ciRun = (runKey: string, status = 'running') => ({ runKey, status, jobs: {}, live: true, posted: null, note: null }) as unknown as CiRun;
export const digestItem = (title: string): DigestItem => ({
  source: 'github', kind: 'push', event: 'push', action: null, title, url: null, status: 'ok', branch: 'main', container: null, exitCode: null, at: T0,
});
