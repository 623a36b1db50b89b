export { openDatabase, type Db } from './sqlite/open-database.js';
