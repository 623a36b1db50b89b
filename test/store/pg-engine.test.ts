import { createServer, connect, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { PgLog } from '../../src/store/pg/index.js';
import { pgSkipReason, testDatabase } from '../helpers/postgres.js';
import { githubHook, testStore } from '../helpers/store.js';
import { C, T0, delivery, digestItem } from './fixtures.js';

/** What only PostgreSQL has to get right: several processes on one database, and a server that goes away. */
const skip = pgSkipReason();

describe('openStore', () => {
  it('opens SQLite without a URL and refuses a URL that is not PostgreSQL', async () => {
    const { path } = testStore();
    const opened = await openStore({ databasePath: path });
    expect(opened.engine).toBe('sqlite');
    await opened.close();
    await opened.close(); // twice is fine
    await expect(openStore({ databaseUrl: 'mysql://localhost/x', databasePath: path })).rejects.toThrow(/postgres:\/\//);
  });
});

describe.skipIf(skip)(`PostgreSQL engine${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  beforeAll(async () => {
    db = await testDatabase();
  }, 60_000);
  afterAll(async () => {
    await db?.drop();
  });
  const open = (url = db.url, log: PgLog = { warn: () => {} }) => openStore({ databaseUrl: url, databasePath: 'unused', log, poolSize: 4 });

  it('migrates once when several processes start on a new database together', async () => {
    const fresh = await testDatabase();
    try {
      const stores = await Promise.all([open(fresh.url), open(fresh.url), open(fresh.url)]);
      expect(stores.map((s) => s.engine)).toEqual(['postgres', 'postgres', 'postgres']);
      expect((await githubHook(stores[2].store)).id).toBe('hook_001');
      await Promise.all(stores.map((s) => s.close()));
      const again = await open(fresh.url); // already migrated: opens as is
      expect((await again.store.getHook('hook_001'))?.id).toBe('hook_001');
      await again.close();
    } finally {
      await fresh.drop();
    }
  });

  it('refuses to open (no hang) when the server cannot be reached', async () => {
    const port = await closedPort();
    await expect(open(`postgres://postgres@127.0.0.1:${port}/x`)).rejects.toThrow(/ECONNREFUSED|connect/);
  });

  it('survives losing the server: ping is false while it is gone, the pool reconnects after', async () => {
    const target = new URL(db.url);
    const proxy = await tcpProxy(Number(target.port));
    const warnings: string[] = [];
    const url = new URL(db.url);
    url.port = String(proxy.port);
    const s = await open(url.toString(), { warn: (_obj: object, msg: string) => warnings.push(msg) });
    try {
      await githubHook(s.store);
      expect(await s.store.ping()).toBe(true);
      await proxy.down(); // every connection cut, new ones refused
      for (let i = 0; i < 200 && warnings.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(warnings[0]).toMatch(/connection lost/);
      expect(await s.store.ping()).toBe(false);
      await expect(s.store.getHook('hook_001')).rejects.toThrow();
      await proxy.up();
      expect(await s.store.ping()).toBe(true);
      expect((await s.store.getHook('hook_001'))?.id).toBe('hook_001');
    } finally {
      await s.close();
      await proxy.down();
    }
  });

  it('completes a digest window once when two processes complete it at the same time', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    try {
      const hook = await githubHook(a.store);
      const [e] = await a.store.storeDeliveries([delivery('dg', { hookId: hook.id })]);
      await a.store.completeEvents([{
        eventId: e.id, outcome: 'digest', messages: [], digest: { hookId: hook.id, windowEnd: 1_000, windowSeconds: 60, item: digestItem('t') },
      }], T0);
      const message = { channelId: C, hookId: hook.id, body: { content: 'digest' } };
      await Promise.all([a.store.completeDigest(hook.id, 1_000, message, T0), b.store.completeDigest(hook.id, 1_000, message, T0)]);
      expect((await a.store.unpackedInChannel(C, 0, 10)).filter((r) => r.hookId === hook.id).map((r) => r.body.content)).toEqual(['digest']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('stores a batch again when PostgreSQL broke a deadlock by aborting it', async () => {
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`alter database "${new URL(db.url).pathname.slice(1)}" set deadlock_timeout = '100ms'`);
    const s = await open();
    const other = new pg.Client({ connectionString: db.url }); // another process storing the same deliveries, in another order
    await other.connect();
    try {
      const hook = await githubHook(s.store);
      const row = (id: string) => [hook.id, id, 'push', '{}', T0];
      const insert = 'insert into webhook_events (hook_id, delivery_id, event_type, payload, received_at) values ($1, $2, $3, $4, $5) on conflict do nothing';
      await other.query('begin');
      await other.query(insert, row('dl-b'));
      const stored = s.store.storeDeliveries([delivery('dl-a', { hookId: hook.id }), delivery('dl-b', { hookId: hook.id })]);
      // Wait until the store's transaction waits for dl-b, then make the other one wait for its dl-a: a deadlock.
      for (let i = 0; i < 500; i++) {
        const { rows } = await admin.query("select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()");
        if (rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const otherInsert = other.query(insert, row('dl-a'));
      // The store's transaction waited first, so it is the one aborted; the other process goes on and commits.
      await otherInsert;
      await other.query('commit');
      const result = await stored;
      expect(result.map((r) => r.duplicate)).toEqual([true, true]);
      expect((await s.store.unprocessedEvents(10)).map((e) => e.deliveryId).sort()).toEqual(['dl-a', 'dl-b']);
    } finally {
      await other.end();
      await admin.end();
      await s.close();
    }
  });
});

const closedPort = () => new Promise<number>((resolve) => {
  const srv = createServer().listen(0, '127.0.0.1', () => {
    const { port } = srv.address() as { port: number };
    srv.close(() => resolve(port));
  });
});

/** A loopback TCP proxy to PostgreSQL that can cut every connection (down) and accept again on the same port (up). */
async function tcpProxy(targetPort: number) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = (port: number) => new Promise<number>((resolve, reject) => {
    server = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      for (const sock of [client, upstream]) {
        sockets.add(sock);
        sock.on('close', () => sockets.delete(sock));
        sock.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream).pipe(client);
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server!.address() as { port: number }).port));
  });
  const port = await listen(0);
  return {
    port,
    up: () => listen(port).then(() => {}),
    down: () => new Promise<void>((resolve) => {
      for (const sock of sockets) sock.destroy();
      if (!server?.listening) return resolve();
      server.close(() => resolve());
    }),
  };
}
