import { describe, expect, it, vi } from 'vitest';
import { createMetrics } from '../../src/metrics.js';
import type { Processing } from '../../src/processing/processing.js';
import { createRoleProcessing } from '../../src/replicas/role-processing.js';
import { createTestLogger } from '../helpers/test-logger.js';

/** A stand-in worker that records what it is asked; `ready` decides when its start completes. */
function fakeWorker(log: string[], name: string): Processing {
  return {
    kick: () => log.push(`${name} kick`),
    drain: async () => { log.push(`${name} drain`); },
    notice: async () => {},
    metricsText: async () => `${name} metrics`,
    stop: async () => { log.push(`${name} stop`); },
    halt: async () => { log.push(`${name} halt`); },
  };
}

function setup() {
  const log: string[] = [];
  const starts: { resolve: (p: Processing) => void; reject: (e: Error) => void }[] = [];
  const enqueued: string[] = [];
  const processing = createRoleProcessing({
    start: () => new Promise<Processing>((resolve, reject) => starts.push({ resolve, reject })),
    wakeLeader: () => log.push('wake leader'),
    store: { enqueue: async (rows) => { enqueued.push(...rows.map((r) => r.channelId)); } },
    clock: { now: () => 0 }, log: createTestLogger().log, metrics: createMetrics(), retryMs: 1,
  });
  return { log, starts, enqueued, processing };
}

describe('processing by role', () => {
  it('wakes the leader from a follower, and passes kicks on to the worker once it runs', async () => {
    const { log, starts, enqueued, processing } = setup();
    processing.kick();
    await processing.notice('c1', { content: 'n' });
    expect(log).toEqual(['wake leader', 'wake leader']);
    expect(enqueued).toEqual(['c1']);
    const leading = processing.lead();
    processing.kick(); // while the worker starts
    starts[0].resolve(fakeWorker(log, 'w1'));
    await leading;
    processing.kick();
    await processing.drain();
    expect(log.slice(2)).toEqual(['w1 kick', 'w1 kick', 'w1 drain']);
    expect(await processing.metricsText()).toBe('w1 metrics');
  });

  it('halts the worker at once when leadership is lost, also one that finishes starting afterwards', async () => {
    const { log, starts, processing } = setup();
    const first = processing.lead();
    starts[0].resolve(fakeWorker(log, 'w1'));
    await first;
    processing.follow();
    expect(log).toEqual(['w1 halt']);
    const second = processing.lead();
    processing.follow(); // lost again before the worker was up
    starts[1].resolve(fakeWorker(log, 'w2'));
    await second;
    expect(log).toEqual(['w1 halt', 'w2 halt']);
    processing.kick();
    expect(log.at(-1)).toBe('wake leader');
  });

  it('throws a failed start when asked to be strict (one process on SQLite), without trying again', async () => {
    vi.useFakeTimers();
    try {
      const { starts, processing } = setup();
      const leading = processing.lead({ strict: true });
      starts[0].reject(new Error('worker could not start'));
      await expect(leading).rejects.toThrow('worker could not start');
      expect(vi.getTimerCount()).toBe(0); // no retry scheduled
      expect(starts).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('tries again when the worker could not start, while still leading; stop lets posts finish', async () => {
    const { log, starts, processing } = setup();
    void processing.lead();
    starts[0].reject(new Error('database unreachable'));
    for (let i = 0; i < 100 && starts.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(starts).toHaveLength(2);
    starts[1].resolve(fakeWorker(log, 'w2'));
    await processing.drain();
    await processing.stop();
    expect(log).toEqual(['w2 drain', 'w2 stop']);
  });
});
