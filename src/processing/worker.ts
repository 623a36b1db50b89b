import { parentPort, workerData } from 'node:worker_threads';
import { REST } from '@discordjs/rest';
import { pino } from 'pino';
import { createRestNotifier } from '../discord/notifier.js';
import { createMetrics } from '../metrics.js';
import { createPipeline } from '../pipeline.js';
import { systemClock } from '../ports.js';
import { startRetention } from '../retention.js';
import { openStore } from '../store/open-store.js';
import type { FromWorker, ToWorker, WorkerStart } from './protocol.js';

/**
 * The processing worker: everything after "stored" — parse, rules, format, pack, post, forwards, digests,
 * retention — on its own thread and its own database connection, so that it never holds up the thread that
 * answers deliveries. The main thread wakes it (`kick`) when deliveries are stored.
 */
const port = parentPort!;
const start = workerData as WorkerStart;
const { config } = start;
const send = (m: FromWorker) => port.postMessage(m);

const log = pino({ level: start.logLevel }, { write: (line: string) => send({ t: 'log', line }) });
// The ingest connection ran the migrations; hooks are read fresh (the main thread and commands change them).
const { store, close } = await openStore({
  databaseUrl: config.DATABASE_URL, databasePath: config.DATABASE_PATH, log,
  sqlite: { migrate: false, cache: false, onWrite: (id) => send({ t: 'hook', id }) },
});
const rest = new REST({ api: config.DISCORD_API_URL, timeout: 15_000 }).setToken(config.DISCORD_TOKEN);
const metrics = createMetrics();
/** When the listener last said deliveries were stored: recent kicks mean ingest is busy. */
let lastKick = 0;
const INGEST_BUSY_MS = 50;
const REST_RATIO = 7;
/**
 * While deliveries pour in, the worker takes an eighth of the time at most (rests REST_RATIO × each batch's time, up
 * to 250 ms): the listener's thread shares the machine's cores, and the backlog waits for a quieter moment.
 */
const betweenBatches = async (batchMs: number) => {
  const busy = performance.now() - lastKick < INGEST_BUSY_MS;
  await new Promise((r) => (busy ? setTimeout(r, Math.min(250, Math.max(1, REST_RATIO * batchMs))) : setImmediate(r)));
};
const pipeline = createPipeline({
  betweenBatches,
  store, notifier: createRestNotifier(rest), clock: systemClock, log, metrics, prefix: config.COMMAND_PREFIX,
  forwardPolicy: { privateAddresses: config.FORWARD_PRIVATE_ADDRESSES, allowLinkLocal: config.FORWARD_ALLOW_LINK_LOCAL === 'true' },
});
const retention = startRetention({ store, clock: systemClock, log, days: config.RETENTION_DAYS, maxEvents: config.MAX_STORED_EVENTS });
// With several processes, deliveries stored elsewhere wake this one by NOTIFY; looking now and then covers a lost one.
const lookAgain = start.pollMs ? setInterval(() => pipeline.kick(), start.pollMs) : undefined;
lookAgain?.unref();

async function answer(id: number, work: () => Promise<unknown>): Promise<void> {
  try {
    send({ t: 'done', id, result: await work() });
  } catch (err) {
    send({ t: 'done', id, error: (err as Error).message });
  }
}

port.on('message', (m: ToWorker) => {
  switch (m.t) {
    case 'kick': lastKick = performance.now(); pipeline.kick(); break;
    case 'drain': void answer(m.id, () => pipeline.drain()); break;
    case 'metrics': void answer(m.id, () => metrics.registry.getMetricsAsJSON()); break;
    case 'stop': void answer(m.id, async () => {
      retention.stop();
      clearInterval(lookAgain);
      await pipeline.stop();
      await close();
      port.unref();
    }); break;
  }
});

send({ t: 'ready' });
// Events stored before a restart are processed now; Discord REST does not need the gateway.
pipeline.kick();
