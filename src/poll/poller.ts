import type { Logger } from 'pino';
import { NOTICE } from '../../formatters/notices.js';
import type { UrlPolicy } from '../forward/url-policy.js';
import { singleFlight } from '../lib/single-flight.js';
import type { Clock } from '../ports.js';
import type { Hook, NewEvent, PollConfig, PollPatch, PollSource, Store } from '../store/store.js';
import type { DiscordMessage } from '../types.js';
import { HostBusy, type FetchDeps } from './fetch.js';
import { createHostGate } from './hosts.js';
import { createRegistryClient } from './registry.js';
import type { ContainerLister } from './check-images.js';
import { observeFeed, observeImages, type ObservedItem, type Observation } from './observe.js';
import { PollError } from './poll-error.js';
import { backoffMs, nextAfterSuccess, PAUSE_AFTER_MS } from './schedule.js';
import { pollStatus, resumeCommand, sourceLabel, type PollStatus } from './status.js';

/** A claim lasts this long: a process that dies mid-poll leaves the source to another after it. */
const LEASE_MS = 10 * 60_000;
/** Sources claimed per round (a round claims again while it finds this many). */
const CLAIM_LIMIT = 20;
/** New items posted per poll at most (the newest); the others are recorded as seen. */
export const MAX_NEW_PER_POLL = 20;
/** Seen item ids are kept while they are in the source, and this long after they left it. */
const SEEN_TTL_MS = 30 * 24 * 3600_000;
/** A stored item's raw part is dropped beyond this (its entry is kept). */
const MAX_RAW_CHARS = 64 * 1024;

export interface PollerDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  /** The command prefix notices name (`COMMAND_PREFIX`). */
  prefix: string;
  /** New events are stored: the pipeline's kick. */
  kick: () => void;
  /** Queues a notice (hookbot speaking for itself) for a channel. */
  notice: (channelId: string, body: DiscordMessage, hookId?: string) => Promise<void>;
  /** Which URLs may be polled (the forward policy: link-local and metadata addresses refused). */
  policy: UrlPolicy;
  /** The Docker Engine whose running containers `!hook docker updates` checks; absent: those sources fail, saying so. */
  containers?: ContainerLister;
  /** Requests to one host at least this far apart (default 2 s). */
  hostSpacingMs?: number;
  timeoutMs?: number;
  /** Largest answer read (default 5 MiB). */
  maxBytes?: number;
  sleep?: (ms: number) => Promise<void>;
  /** How often due sources are looked for (default 5 s); 0: only on tick() and wake() (tests). */
  intervalMs?: number;
}

/** A look at a source before a hook is set up for it: what it holds now (kept as the hook's baseline). */
export type Probe =
  | { ok: true; config: PollConfig; observation: Observation | null; described: string; notes: string[] }
  | { ok: false; error: string };

export interface Poller {
  /** Polls every due source now; resolves when those polls are done (and what they stored is handed on). */
  tick(): Promise<void>;
  /** Something changed (a source set up or resumed): look for due sources soon. */
  wake(): void;
  /** Looks at a source without changing anything (the commands' first look, so they can refuse what cannot work). */
  probe(config: PollConfig): Promise<Probe>;
  /**
   * Takes a probe as the baseline of the hook's new source (its items are seen, nothing is posted); a source that
   * already has a baseline (resumed) is polled soon instead. True when the probe became the baseline.
   */
  adopt(hookId: string, probe: Probe): Promise<boolean>;
  /** Each poll source's last result and next poll (of the hooks given, or all). */
  status(hookIds?: string[]): Promise<PollStatus[]>;
  stop(): Promise<void>;
}

const rawOf = (o: ObservedItem) => {
  const text = JSON.stringify(o.payload);
  if (text.length <= MAX_RAW_CHARS) return text;
  return JSON.stringify({ ...o.payload, item: { truncated: `the item was over ${MAX_RAW_CHARS} characters` } });
};

/** New items, the oldest first: by publication time when every item has one, else the reverse of the source's order. */
function oldestFirst(items: ObservedItem[]): ObservedItem[] {
  if (items.every((i) => i.published)) return [...items].sort((a, b) => Date.parse(a.published!) - Date.parse(b.published!));
  return [...items].reverse();
}

/**
 * Polls sources that cannot send webhooks (src/poll/): feeds and JSON documents (`!hook poll`) and the registries of
 * running containers' images (`!hook docker updates`). Every few seconds it claims the due sources of enabled hooks
 * (a compare-and-set on `next_poll_at`, so with several processes each source is polled by one), looks at each,
 * stores the new items as the hook's events (delivery id = item id: never twice, across restarts and processes)
 * and wakes the pipeline, which filters, formats, aggregates and posts them like any delivery.
 */
export function startPoller(deps: PollerDeps): Poller {
  const { store, clock, log } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const gate = createHostGate({ clock, spacingMs: deps.hostSpacingMs ?? 2000 });
  const fetchDeps: FetchDeps = { clock, gate, policy: deps.policy, timeoutMs: deps.timeoutMs ?? 15_000, maxBytes: deps.maxBytes ?? 5 * 1024 * 1024, sleep };
  const registry = createRegistryClient({ clock, gate, policy: deps.policy, timeoutMs: fetchDeps.timeoutMs, sleep });
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const observe = (config: PollConfig, src?: PollSource): Promise<Observation> => {
    if (config.kind === 'feed') return observeFeed(fetchDeps, config, src?.baselined ? { etag: src.etag, lastModified: src.lastModified } : undefined);
    if (!deps.containers) return Promise.reject(new PollError('docker', 'this hookbot has no Docker Engine to ask'));
    return observeImages({ lister: deps.containers, registry });
  };

  /** The outcome of a look at a source, as its new state; new items are stored (and the pipeline woken) first. */
  async function succeeded(src: PollSource, obs: Observation, now: number): Promise<PollPatch> {
    const ok = { failures: 0, failingSince: null, paused: false, lastPolledAt: now, lastOkAt: now };
    const validators = obs.validators ? { etag: obs.validators.etag, lastModified: obs.validators.lastModified } : {};
    const next = { nextPollAt: nextAfterSuccess(now, src.everySeconds, obs.freshUntil), freshUntil: obs.freshUntil };
    if (obs.notModified) return { ...ok, ...validators, ...next, lastResult: 'not modified' };
    const ids = obs.items.map((i) => i.id);
    const notes = obs.notes.length ? `; ${obs.notes.join('; ')}` : '';
    // A feed's first look records what is there; image updates are news from the first check on.
    if (src.kind === 'feed' && !src.baselined) {
      await store.recordPollItems(src.hookId, ids, [], now, now - SEEN_TTL_MS);
      return { ...ok, ...validators, ...next, baselined: true, itemCount: ids.length, lastResult: `baseline: ${obs.described}${notes}` };
    }
    const seen = new Set(await store.seenPollItems(src.hookId, ids));
    const unseen = [...new Map(obs.items.filter((i) => !seen.has(i.id)).map((i) => [i.id, i])).values()];
    const posted = oldestFirst(unseen).slice(-MAX_NEW_PER_POLL);
    const at = new Date(now).toISOString();
    const events: NewEvent[] = posted.map((i) => ({ hookId: src.hookId, deliveryId: i.id, eventType: i.eventType, payload: rawOf(i), receivedAt: at }));
    const stored = await store.recordPollItems(src.hookId, ids, events, now, now - SEEN_TTL_MS);
    const fresh = stored.filter((s) => !s.duplicate).length;
    if (fresh) deps.kick();
    const more = unseen.length - posted.length;
    const what = fresh ? `${fresh} new${more ? ` (${more} more not posted: at most ${MAX_NEW_PER_POLL} a poll)` : ''}` : 'nothing new';
    return { ...ok, ...validators, ...next, baselined: true, itemCount: ids.length, lastResult: `${what} in ${obs.described}${notes}` };
  }

  /** A failed look: back off, and after a day of failures pause (the channel is told by whoever paused it). */
  function failed(src: PollSource, err: unknown, now: number): PollPatch & { why: string } {
    const why = err instanceof PollError ? err.message : `unexpected: ${(err as Error).message}`;
    if (!(err instanceof PollError)) log.error({ hookId: src.hookId, err: (err as Error).stack }, 'poll failed unexpectedly');
    const failures = src.failures + 1;
    const failingSince = src.failingSince ?? now;
    const paused = now - failingSince >= PAUSE_AFTER_MS;
    const retryAfter = err instanceof PollError ? err.opts.retryAfterMs ?? 0 : 0;
    return {
      why, failures, failingSince, paused, lastPolledAt: now, lastResult: `${paused ? 'paused' : 'failed'}: ${why}`,
      nextPollAt: now + Math.max(backoffMs(failures, src.everySeconds), retryAfter),
    };
  }

  /** One claimed source: look, store what is new, write its state (only while the claim is still ours). */
  async function run(src: PollSource, hook: Hook): Promise<void> {
    const claim = src.nextPollAt;
    const finish = (patch: PollPatch) => store.finishPoll(src.hookId, claim, patch);
    const started = clock.now();
    if (src.kind === 'feed' && src.freshUntil > started) {
      await finish({ nextPollAt: src.freshUntil }); // still fresh by its Cache-Control: not asked again early
      return;
    }
    let obs: Observation;
    try {
      obs = await observe(src, src);
    } catch (err) {
      if (err instanceof HostBusy) {
        await finish({ nextPollAt: err.until });
        return;
      }
      const now = clock.now();
      const { why, ...patch } = failed(src, err, now);
      log.warn({ hookId: src.hookId, failures: patch.failures, paused: patch.paused, err: why }, 'poll failed');
      if (await finish(patch) && patch.paused) {
        await deps.notice(hook.channelId, NOTICE.pollPaused(deps.prefix, {
          hookId: hook.id, what: sourceLabel(src), since: new Date(patch.failingSince!).toISOString(), why,
          resume: hook.source === 'file' ? { file: hook.sourceFile ?? 'the hooks file' } : hook.source === 'api' ? { api: true } : { command: resumeCommand(src) },
        }), hook.id);
      }
      return;
    }
    const patch = await succeeded(src, obs, clock.now());
    await finish(patch);
    log.debug({ hookId: src.hookId, result: patch.lastResult }, 'polled');
  }

  async function round(): Promise<void> {
    for (let rounds = 0; rounds < 50 && !stopped; rounds++) {
      const now = clock.now();
      const claimed = await store.claimDuePolls(now, now + LEASE_MS, CLAIM_LIMIT);
      await Promise.all(claimed.map(async (src) => {
        const hook = await store.getHook(src.hookId);
        if (!hook) return; // deleted meanwhile: its source went with it
        if (!hook.enabled) {
          await store.finishPoll(src.hookId, src.nextPollAt, { nextPollAt: clock.now() + src.everySeconds * 1000 });
          return;
        }
        await run(src, hook).catch((err) => log.error({ hookId: src.hookId, err: (err as Error).message }, 'poll could not be recorded'));
      }));
      if (claimed.length < CLAIM_LIMIT) return;
    }
  }

  const flight = singleFlight(round, { log, what: 'poll round', stopped: () => stopped });
  const interval = deps.intervalMs ?? 5000;
  const schedule = () => {
    if (stopped || !interval) return;
    timer = setTimeout(() => void flight.run().finally(schedule), interval);
    timer.unref();
  };
  const wake = () => {
    if (!stopped) setImmediate(() => void flight.run());
  };
  schedule();
  if (interval) wake(); // sources that came due while hookbot was stopped

  return {
    tick: () => flight.run(),
    wake,
    async probe(config) {
      try {
        if (config.kind === 'images') {
          if (!deps.containers) return { ok: false, error: 'this hookbot has no Docker Engine to ask' };
          const n = (await deps.containers.running()).length;
          return { ok: true, config, observation: null, described: `${n} running container${n === 1 ? '' : 's'}`, notes: [] };
        }
        const observation = await observe(config);
        if (observation.notModified) return { ok: false, error: 'the source answered 304 to a first request' };
        return { ok: true, config, observation, described: observation.described, notes: observation.notes };
      } catch (err) {
        if (err instanceof PollError) return { ok: false, error: err.message };
        if (err instanceof HostBusy) return { ok: false, error: 'that host asked hookbot to wait (429/503): try again later' };
        throw err;
      }
    },
    async adopt(hookId, probe) {
      const src = await store.getPollSource(hookId);
      if (!probe.ok || !probe.observation || probe.observation.notModified || !src || src.baselined || src.kind !== 'feed'
        || src.url !== probe.config.url || src.itemsPath !== probe.config.itemsPath || src.idField !== probe.config.idField) {
        wake();
        return false;
      }
      const now = clock.now();
      const adopted = await succeeded(src, probe.observation, now);
      const ok = await store.finishPoll(hookId, src.nextPollAt, adopted);
      if (!ok) wake();
      return ok;
    },
    status: (hookIds) => pollStatus(store, hookIds),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await flight.current();
    },
  };
}
