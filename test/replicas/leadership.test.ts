import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLeadership, type Leadership } from '../../src/replicas/leadership.js';
import { pgSkipReason, testDatabase } from '../helpers/postgres.js';
import { createTestLogger } from '../helpers/test-logger.js';
import { tcpProxy } from './tcp-proxy.js';

const skip = pgSkipReason();
const POLL_MS = 200;

/** Waits (bounded) until `predicate` holds. */
async function until(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(skip)(`leadership on one PostgreSQL database${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let admin: pg.Client;
  const started: Leadership[] = [];
  beforeAll(async () => {
    db = await testDatabase();
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  }, 60_000);
  afterEach(async () => {
    await Promise.all(started.splice(0).map((l) => l.stop()));
  });
  afterAll(async () => {
    await admin?.end();
    await db?.drop();
  });

  /** A contender named `name`; `events` records what it was told, in order across contenders. */
  const events: string[] = [];
  const contender = (name: string, url = db.url) => {
    const l = startLeadership({
      databaseUrl: url, log: createTestLogger().log, replica: name, pollMs: POLL_MS, checkMs: 100, timeoutMs: 2000,
      onLead: () => events.push(`${name} leads`), onFollow: () => events.push(`${name} lost`), onWake: () => events.push(`${name} woken`),
    });
    started.push(l);
    return l;
  };
  /** Ends the lock session of `name` from the server side, as when its connection breaks. */
  const terminate = (name: string) => admin.query(
    "select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and datname = current_database()",
    [`hookbot-leadership:${name}`],
  );

  it('one leads; when its connection breaks it reports the loss and the other leads within the poll interval', async () => {
    events.length = 0;
    const a = contender('a');
    await a.ready;
    const b = contender('b');
    await b.ready;
    expect([a.leading, b.leading]).toEqual([true, false]);

    b.wakeLeader(); // a follower stored work: NOTIFY reaches the leader
    await until(() => events.includes('a woken'), 5000, 'the leader to hear NOTIFY');

    await terminate('a');
    await until(() => b.leading, 3 * POLL_MS + 2000, 'b to lead');
    expect(a.leading).toBe(false);
    expect(events.indexOf('a lost')).toBeGreaterThan(-1);
    expect(events.indexOf('a lost')).toBeLessThan(events.indexOf('b leads'));
    // a reconnected and follows: the lock stays with b.
    await until(async () => (await admin.query("select count(*)::int as n from pg_stat_activity where application_name = 'hookbot-leadership:a'")).rows[0].n === 1, 5000, 'a to reconnect');
    a.wakeLeader();
    await until(() => events.includes('b woken'), 5000, 'the new leader to hear NOTIFY');
    expect([a.leading, b.leading]).toEqual([false, true]);
  });

  it('hands over when the leader stops (the lock goes with its session)', async () => {
    events.length = 0;
    const a = contender('c');
    await a.ready;
    const b = contender('d');
    await b.ready;
    expect([a.leading, b.leading]).toEqual([true, false]);
    await a.stop();
    await until(() => b.leading, 3 * POLL_MS + 2000, 'd to lead');
    expect(events).toEqual(['c leads', 'd leads']); // a stopped on purpose: no "lost"
  });

  it('lets exactly one of several contenders lead', async () => {
    const all = ['e1', 'e2', 'e3', 'e4', 'e5'].map((n) => contender(n));
    await Promise.all(all.map((l) => l.ready));
    expect(all.filter((l) => l.leading)).toHaveLength(1);
    const { rows } = await admin.query("select count(*)::int as n from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())");
    expect(rows[0].n).toBe(1);
  });

  it('stops leading when its connection stops answering, before the server lets anyone else lead', async () => {
    events.length = 0;
    const proxy = await tcpProxy(Number(new URL(db.url).port));
    try {
      const a = contender('f', proxy.via(db.url));
      await a.ready;
      const b = contender('g');
      await b.ready;
      expect([a.leading, b.leading]).toEqual([true, false]);
      proxy.freeze(); // packets dropped: the server still sees f's session (and its lock)
      await until(() => events.includes('f lost'), 5000, 'f to notice');
      expect(b.leading).toBe(false);
      await terminate('f'); // the server notices at last: only now can g take the lock
      await until(() => b.leading, 3 * POLL_MS + 2000, 'g to lead');
      expect(events.slice(0, 3)).toEqual(['f leads', 'f lost', 'g leads']);
    } finally {
      await proxy.down();
    }
  });
});
