/**
 * A baseline in its own process (so the load generator does not share its event loop):
 *   floor       — bare express + `@octokit/webhooks-methods` verify + `JSON.parse` + 200, no storage
 *   store-floor — the same + one better-sqlite3 insert per delivery (WAL, synchronous=NORMAL) before answering
 *   footprint   — hookbot's store and HTTP app idle, then after 100,000 stored events: prints RSS and database size
 * Prints one JSON line on stdout when ready (`{ port }`), or with the footprint when done.
 * Usage: node --import tsx bench/target.ts <mode> <secret> <database path>
 */
import { statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { verify } from '@octokit/webhooks-methods';
import { pino } from 'pino';
import { createApp } from '../src/http/app.js';
import { createIngest } from '../src/ingest.js';
import { createMetrics } from '../src/metrics.js';
import { createPipeline } from '../src/pipeline.js';
import { systemClock } from '../src/ports.js';
import { openDatabase } from '../src/store/open-database.js';
import { createStore } from '../src/store/store.js';
import { samplePush } from '../src/samples/github-push.js';

const [mode, secret, dbPath] = process.argv.slice(2);
const MAX_BODY = 26214400;

function listen(app: Express): void {
  const s = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (s.address() as AddressInfo).port })));
}

/** Verify the signature over the raw bytes, parse the JSON; `store` runs before answering. */
function floorApp(store?: (req: express.Request, text: string) => void): Express {
  const app = express();
  app.post('/webhook/github/:id', express.raw({ type: () => true, limit: MAX_BODY }), async (req, res) => {
    const text = (req.body as Buffer).toString('utf8');
    if (!(await verify(secret, text, String(req.headers['x-hub-signature-256'] ?? '')))) return void res.status(401).end();
    try { JSON.parse(text); } catch { return void res.status(400).end(); }
    store?.(req, text);
    res.status(store ? 202 : 200).end();
  });
  return app;
}

async function storeFloor(): Promise<Express> {
  const { default: Database } = await import('better-sqlite3');
  const sqlite = new Database(dbPath);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.exec(`create table if not exists events (id integer primary key autoincrement, hook_id text not null,
    delivery_id text not null, event_type text not null, payload text not null, received_at text not null,
    unique (hook_id, delivery_id))`);
  const insert = sqlite.prepare('insert into events (hook_id, delivery_id, event_type, payload, received_at) values (?, ?, ?, ?, ?) on conflict do nothing');
  return floorApp((req, text) => {
    insert.run(String(req.params.id), String(req.headers['x-github-delivery']), String(req.headers['x-github-event']), text, new Date().toISOString());
  });
}

async function footprint(): Promise<void> {
  const log = pino({ level: 'silent' });
  const { db } = openDatabase(dbPath);
  const store = createStore(db);
  const hook = await store.createHook({
    guildId: 'g', channelId: 'c', userId: 'u', service: 'github', secret, verify: 'github', events: ['push'],
    filters: {}, templates: {}, enabled: true, createdAt: new Date().toISOString(),
  });
  const metrics = createMetrics();
  const pipeline = createPipeline({
    store, clock: systemClock, log, metrics,
    notifier: { post: async () => ({ messageId: '1' }), edit: async () => {}, dm: async () => {} },
  });
  const app = createApp({
    store, ingest: createIngest({ store }), onStored: () => pipeline.kick(), log, metrics, clock: systemClock, maxBodyBytes: MAX_BODY,
    health: async () => ({ ready: true, status: 'ok', discord: 'up', docker: 'down', db: 'up' }),
  });
  const s = app.listen(0, '127.0.0.1');
  await new Promise((r) => setTimeout(r, 1000));
  global.gc?.();
  const idleRss = process.memoryUsage().rss;
  const payload = JSON.stringify(samplePush('acme/api'));
  const N = 100_000;
  for (let i = 0; i < N; i++) {
    await store.insertEvent({ hookId: hook.id, deliveryId: `f-${i}`, eventType: 'push', payload, receivedAt: new Date().toISOString() });
  }
  global.gc?.();
  const loadedRss = process.memoryUsage().rss;
  const size = statSync(dbPath).size + (() => { try { return statSync(`${dbPath}-wal`).size; } catch { return 0; } })();
  console.log(JSON.stringify({ idleRss, loadedRss, events: N, dbBytes: size, payloadBytes: payload.length }));
  s.close();
  process.exit(0);
}

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
if (mode === 'floor') listen(floorApp());
else if (mode === 'store-floor') listen(await storeFloor());
else if (mode === 'footprint') await footprint();
else throw new Error(`unknown mode ${mode}: floor | store-floor | footprint`);
