import pg from 'pg';
import type { Logger } from 'pino';

/** The session-level advisory lock the leader holds ('hkld'; migrations use another key). */
export const LEADER_LOCK = 0x686b6c64;
/** The LISTEN/NOTIFY channel a follower wakes the leader on after storing deliveries. */
export const WAKE_CHANNEL = 'hookbot_kick';
/**
 * How the server watches the lock connection (TCP keepalive after 4 s idle, every 1 s, 3 probes; unacknowledged data
 * for 7 s): a dead leader's session, and its lock, end in about 7 s. `tcp_user_timeout` needs PostgreSQL 12.
 */
const SERVER_KEEPALIVE = { idleS: 4, intervalS: 1, count: 3, userTimeoutMs: 7000 };

export interface LeadershipOptions {
  databaseUrl: string;
  log: Logger;
  /** This process's name (REPLICA_NAME): in logs and in `application_name` of the lock connection. */
  replica: string;
  /** This process now holds the lock: start the work that must have one owner. */
  onLead: () => void;
  /** This process no longer holds the lock (its connection broke): stop that work now. Not called by `stop()`. */
  onFollow: (why: string) => void;
  /** A follower stored work (NOTIFY), heard while leading. */
  onWake: () => void;
  /** How often a follower tries for the lock (default 2 s). */
  pollMs?: number;
  /** How often the leader checks its lock connection (default 1 s). */
  checkMs?: number;
  /** Connecting and each statement on the lock connection (default 3 s); longer counts as a broken connection. */
  timeoutMs?: number;
  key?: number;
}

export interface Leadership {
  /** Whether this process holds the lock now. */
  readonly leading: boolean;
  /** Resolves once the first try for the lock is over (leading or not). */
  readonly ready: Promise<void>;
  /** Wakes the leader (`NOTIFY`); coalesced, best effort (the leader also polls). Nothing to do while leading. */
  wakeLeader(): void;
  /** Stops trying; ends the lock connection, which releases the lock when held. Stop the leader work first. */
  stop(): Promise<void>;
}

/**
 * One leader among the processes sharing a database: whoever holds `pg_try_advisory_lock(key)` on its own dedicated
 * connection. PostgreSQL releases a session lock when its session ends, also when the process holding it is killed
 * (`kill -9`): the server sees the connection close. Followers try again every `pollMs`.
 *
 * The leader checks its connection every `checkMs` and reacts to its `error`/`end` events: when the connection breaks
 * (or a check does not answer within `timeoutMs`), `onFollow` runs at once, so the leader work stops before the server
 * lets anyone else take the lock. A process that lost the lock waits two poll intervals before trying again, which
 * gives the others the first chance and keeps a flaky connection from taking leadership back and forth.
 */
export function startLeadership(o: LeadershipOptions): Leadership {
  const pollMs = o.pollMs ?? 2000;
  const checkMs = o.checkMs ?? 1000;
  const timeoutMs = o.timeoutMs ?? 3000;
  const key = o.key ?? LEADER_LOCK;
  const log = o.log;
  let client: pg.Client | undefined;
  let leading = false;
  let stopped = false;
  let rejoinAt = 0;
  let interrupt = () => {};
  let firstTry: () => void = () => {};
  const ready = new Promise<void>((r) => { firstTry = r; });

  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    interrupt = () => { clearTimeout(t); resolve(); };
  });

  /** Statements on the lock connection must answer in time: a hung connection is a broken one. */
  const timed = <T>(p: Promise<T>, what: string): Promise<T> => {
    let t: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => { t = setTimeout(() => reject(new Error(`${what} took over ${timeoutMs} ms`)), timeoutMs); });
    return Promise.race([p, late]).finally(() => clearTimeout(t));
  };

  /** `c` broke or is being given up: leader work stops first, then the session ends (releasing the lock). */
  const drop = (c: pg.Client, why: string) => {
    if (client !== c) return;
    client = undefined;
    if (leading) {
      leading = false;
      rejoinAt = Date.now() + 2 * pollMs;
      log.warn({ why }, 'leadership lost: stopping the leader work');
      o.onFollow(why);
    }
    c.end().catch(() => {});
    interrupt();
  };

  const connect = async (): Promise<pg.Client> => {
    const c = new pg.Client({
      connectionString: o.databaseUrl, connectionTimeoutMillis: timeoutMs, keepAlive: true, keepAliveInitialDelayMillis: 5_000,
      application_name: `hookbot-leadership:${o.replica}`.slice(0, 63),
    });
    client = c;
    c.on('error', (err) => drop(c, err.message));
    c.on('end', () => drop(c, 'connection closed'));
    c.on('notification', (n) => {
      if (n.channel === WAKE_CHANNEL && leading && client === c) o.onWake();
    });
    await timed(c.connect(), 'connecting');
    // A leader whose machine vanishes (power, network) sends no FIN: the server must find its session dead by itself,
    // in ~7 s rather than the system default of hours, so that a follower can take over within 15 s. That is later
    // than the leader notices (a check unanswered for `timeoutMs`, ≤ 4 s by default), so it stops first.
    await timed(c.query(`set tcp_keepalives_idle = ${SERVER_KEEPALIVE.idleS}; set tcp_keepalives_interval = ${SERVER_KEEPALIVE.intervalS};`
      + ` set tcp_keepalives_count = ${SERVER_KEEPALIVE.count}; set tcp_user_timeout = ${SERVER_KEEPALIVE.userTimeoutMs}`), 'keepalive settings');
    return c;
  };

  const tryLock = async (c: pg.Client) => {
    const { rows } = await timed(c.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [key]), 'pg_try_advisory_lock');
    if (!rows[0]?.ok) return;
    await timed(c.query(`listen ${WAKE_CHANNEL}`), 'listen');
    if (client !== c || stopped) return; // broke meanwhile: the session (and the lock) is being ended
    leading = true;
    log.info('leading: this process runs the Discord gateway and processing');
    o.onLead();
  };

  const loop = (async () => {
    while (!stopped) {
      let c = client;
      try {
        c ??= await connect();
        if (leading) await timed(c.query('select 1'), 'lock connection check');
        else if (Date.now() >= rejoinAt) await tryLock(c);
      } catch (err) {
        const broken = c ?? client;
        if (broken) drop(broken, (err as Error).message);
        log.debug({ err: (err as Error).message }, 'lock connection failed; connecting again');
      }
      firstTry();
      if (!stopped) await sleep(leading ? checkMs : pollMs);
    }
  })();

  let notifying = false;
  let notifyAgain = false;
  const wakeLeader = () => {
    const c = client;
    if (leading || !c) return;
    if (notifying) { notifyAgain = true; return; }
    notifying = true;
    c.query('select pg_notify($1, $2)', [WAKE_CHANNEL, o.replica]).catch(() => {}).finally(() => {
      notifying = false;
      if (notifyAgain) { notifyAgain = false; wakeLeader(); }
    });
  };

  return {
    get leading() { return leading; },
    ready,
    wakeLeader,
    async stop() {
      stopped = true;
      interrupt();
      await loop;
      const c = client;
      client = undefined;
      leading = false;
      await c?.end().catch(() => {});
    },
  };
}
