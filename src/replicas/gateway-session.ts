import type { Client } from 'discord.js';
import type { Logger } from 'pino';
import { isTokenError } from '../lib/errors.js';

export interface GatewaySession {
  /** The connected gateway client; undefined while not connected (Discord unreachable, or not leading). */
  readonly client: Client | undefined;
  /** False when Discord refused the Message Content intent: only /hook works. */
  readonly messageContent: boolean;
  /**
   * Logs in; while Discord is unreachable, keeps trying with backoff (2 s doubling, at most 60 s). With `strict`, a
   * refused token is thrown instead (a configuration error: the process exits, as at start).
   */
  start(opts?: { strict?: boolean }): Promise<void>;
  /** Disconnects now, also a login still under way; safe to call when not started. */
  stop(): Promise<void>;
}

/**
 * The Discord gateway connection of the process that answers commands, which can be started and stopped again
 * (a replica that becomes leader logs in; one that loses leadership disconnects at once). `connect` logs in and
 * calls `adopt` with every client it creates, so that a login still under way can be cut short.
 */
export function createGatewaySession(opts: {
  connect: (adopt: (c: Client) => void) => Promise<{ client: Client; messageContent: boolean }>;
  log: Logger;
}): GatewaySession {
  const { log } = opts;
  let client: Client | undefined;
  let messageContent = true;
  let active = false;
  /** Each stop starts a new generation: a login of an older one is destroyed when it completes. */
  let generation = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  /** The clients the login under way made (discord.js makes a second one when the Message Content intent is refused). */
  let loggingIn = new Set<Client>();

  const connect = async (gen: number) => {
    const made = new Set<Client>();
    loggingIn = made;
    let connected: { client: Client; messageContent: boolean };
    try {
      connected = await opts.connect((c) => made.add(c));
    } finally {
      if (loggingIn === made) loggingIn = new Set();
    }
    if (gen !== generation || !active) {
      await connected.client.destroy();
      return;
    }
    client = connected.client;
    messageContent = connected.messageContent;
  };

  const retry = (gen: number, attempt: number) => {
    const delay = Math.min(60_000, 2000 * 2 ** attempt);
    retryTimer = setTimeout(() => {
      connect(gen).catch((err) => {
        if (gen !== generation || !active) return;
        log.error({ err: (err as Error).message, retryInMs: Math.min(60_000, 2000 * 2 ** (attempt + 1)) }, 'Discord login failed; retrying');
        retry(gen, attempt + 1);
      });
    }, delay);
    retryTimer.unref();
  };

  return {
    get client() { return client; },
    get messageContent() { return messageContent; },
    async start({ strict = false } = {}) {
      if (active) return;
      active = true;
      const gen = ++generation;
      try {
        await connect(gen);
      } catch (err) {
        if (strict && isTokenError(err)) throw err;
        if (gen !== generation || !active) return;
        log.error({ err: (err as Error).message }, 'Discord is unreachable; deliveries are still stored, retrying the login');
        retry(gen, 0);
      }
    },
    async stop() {
      active = false;
      generation++;
      clearTimeout(retryTimer);
      const all = [...loggingIn, ...(client ? [client] : [])];
      client = undefined;
      loggingIn = new Set();
      await Promise.all(all.map((c) => c.destroy().catch(() => {})));
    },
  };
}
