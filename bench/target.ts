/**
 * A benchmark target in its own process (so the load generator does not share its CPU):
 *   hookbot  — the real HTTP app: verify + store (SQLite file) + 202, with the pipeline posting to a no-op notifier
 *   baseline — bare express + @octokit/webhooks verify, answering 200 without storing
 *   footprint — hookbot's store and app idle, then after 100,000 stored events: prints RSS and database size
 * Prints one JSON line on stdout when ready.
 */
import { statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Webhooks } from '@octokit/webhooks';
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
const log = pino({ level: 'silent' });

async function hookbot() {
  const { db } = openDatabase(dbPath);
  const store = createStore(db);
  await store.createHook({
    guildId: 'g', channelId: 'c', userId: 'u', service: 'github', secret, verify: 'github', events: ['push'],
    filters: {}, templates: {}, enabled: true, createdAt: new Date().toISOString(),
  });
  const metrics = createMetrics();
  let n = 0;
  const pipeline = createPipeline({
    store, clock: systemClock, log, metrics,
    // Discord answers a message post in tens of milliseconds; a no-op that answers at once would make the
    // outbox spin on one-event packs, which never happens against the real API.
    notifier: { post: async () => { await new Promise((r) => setTimeout(r, 30)); return { messageId: String(++n) }; }, edit: async () => {}, dm: async () => {} },
  });
  const app = createApp({
    store, ingest: createIngest({ store }), onStored: () => { if (mode !== 'ingest-only') pipeline.kick(); }, log, metrics, clock: systemClock, maxBodyBytes: 26214400,
    health: async () => ({ ready: true, status: 'ok', discord: 'up', docker: 'down', db: 'up' }),
  });
  return { app, store };
}

async function main() {
  if (mode === 'baseline') {
    const webhooks = new Webhooks({ secret });
    const app = express();
    app.post('/webhook/github/:id', express.raw({ type: () => true, limit: 26214400 }), async (req, res) => {
      const ok = await webhooks.verify((req.body as Buffer).toString('utf8'), String(req.headers['x-hub-signature-256']));
      res.status(ok ? 200 : 401).end();
    });
    const s = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (s.address() as AddressInfo).port })));
    return;
  }
  if (mode === 'baseline-store') {
    // The floor that "stored before 2xx" sets: the baseline plus one durable SQLite insert per delivery, no hookbot code.
    const { default: Database } = await import('better-sqlite3');
    const sqlite = new Database(dbPath);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.exec('create table if not exists e (id integer primary key autoincrement, delivery text not null unique, payload text not null)');
    const insert = sqlite.prepare('insert into e (delivery, payload) values (?, ?) on conflict do nothing');
    const webhooks = new Webhooks({ secret });
    const app = express();
    app.post('/webhook/github/:id', express.raw({ type: () => true, limit: 26214400 }), async (req, res) => {
      const text = (req.body as Buffer).toString('utf8');
      if (!(await webhooks.verify(text, String(req.headers['x-hub-signature-256'])))) return res.status(401).end();
      JSON.parse(text);
      insert.run(String(req.headers['x-github-delivery']), text);
      res.status(202).end();
    });
    const s = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (s.address() as AddressInfo).port })));
    return;
  }
  const { app, store } = await hookbot();
  if (mode === 'hookbot' || mode === 'ingest-only') {
    const s = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (s.address() as AddressInfo).port })));
    return;
  }
  // footprint
  const s = app.listen(0, '127.0.0.1');
  await new Promise((r) => setTimeout(r, 1000));
  global.gc?.();
  const idleRss = process.memoryUsage().rss;
  const payload = JSON.stringify(samplePush('acme/api'));
  const N = 100_000;
  for (let i = 0; i < N; i++) {
    await store.insertEvent({ hookId: 'hook_001', deliveryId: `f-${i}`, eventType: 'push', payload, receivedAt: new Date().toISOString() });
  }
  global.gc?.();
  const loadedRss = process.memoryUsage().rss;
  const size = statSync(dbPath).size + (() => { try { return statSync(`${dbPath}-wal`).size; } catch { return 0; } })();
  console.log(JSON.stringify({ idleRss, loadedRss, events: N, dbBytes: size, payloadBytes: payload.length }));
  s.close();
  process.exit(0);
}

process.on('SIGINT', () => process.exit(0));
void main();
