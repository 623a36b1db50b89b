// Entry of the processing worker thread: loads TypeScript the way `npm start` does (tsx), then the worker itself.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.entry, import.meta.url);
