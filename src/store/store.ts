/** The store hookbot runs on today (SQLite); see repository.ts for the contract every backend implements. */
export { createSqliteStore as createStore } from './sqlite/index.js';
export type * from './repository.js';
