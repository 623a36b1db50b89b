import { openDatabase } from '../../src/store/open-database.js';
import { createStore, type Store } from '../../src/store/store.js';
import { tempDbPath } from './start-hookbot.js';

/** A real SQLite store with the real migrations, in a temp file. */
export function testStore(path = tempDbPath()): { store: Store; close: () => void; path: string } {
  const { db, close } = openDatabase(path);
  return { store: createStore(db), close, path };
}

export const SECRET = 'test-secret-0123456789abcdefghijklmnop';

/** Creates an enabled GitHub hook in the fake guild's channel. */
export async function githubHook(store: Store, overrides: Partial<Parameters<Store['createHook']>[0]> = {}) {
  return store.createHook({
    guildId: '100000000000000001', channelId: '100000000000000002', userId: '100000000000000011',
    service: 'github', secret: SECRET, verify: 'github', events: ['push', 'pull_request', 'issues', 'release', 'workflow_run'],
    filters: {}, templates: {}, enabled: true, createdAt: '2026-01-01T00:00:00.000Z', ...overrides,
  });
}
