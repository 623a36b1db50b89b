import { openStore } from '../../src/store/open-store.js';
import { tempDbPath } from '../helpers/start-hookbot.js';
import { storeContract } from './contract.js';

/** The store contract on SQLite: a fresh database file per test; `other()` is a second connection to it. */
storeContract('SQLite', async () => {
  const databasePath = tempDbPath();
  const opened = await openStore({ databasePath });
  return {
    store: opened.store,
    close: opened.close,
    other: async () => {
      const o = await openStore({ databasePath });
      return { store: o.store, close: o.close };
    },
  };
});
