import { describe, expect, it } from 'vitest';
import { renderEvent } from '../../formatters/format-event.js';
import type { DockerEvent } from '../../parsers/docker-events.js';
import { parseDocker } from '../../parsers/docker.js';
import { storeDockerEvent } from '../../src/docker/deliver.js';
import { noteDockerHost, perReplicaDockerState } from '../../src/replicas/docker-hosts.js';
import { testStore } from '../helpers/store.js';

const HOUR = 3_600_000;
const T = Date.parse('2026-03-01T12:00:00Z');

const die = (n: number): DockerEvent => ({
  Type: 'container', Action: 'die', Actor: { ID: `c0ffee${n}`.padEnd(64, '0'), Attributes: { name: 'web', image: 'nginx', exitCode: '1' } },
  time: T / 1000 + n, timeNano: (T / 1000 + n) * 1e9,
});

async function dockerHook(store: ReturnType<typeof testStore>['store']) {
  return store.createHook({
    guildId: '100000000000000001', channelId: '100000000000000002', userId: '100000000000000011', service: 'docker', secret: '',
    verify: 'none', events: ['die'], filters: {}, templates: {}, enabled: true, createdAt: '2026-01-01T00:00:00.000Z',
  });
}

describe('Docker hosts reporting to one hook', () => {
  it('says "several" only while another host reported in the last day', async () => {
    const { store } = testStore();
    expect(await noteDockerHost(store, 'hook_001', 'a', T)).toBe(false);
    expect(await noteDockerHost(store, 'hook_001', 'a', T + 1000)).toBe(false); // the same host again
    expect(await noteDockerHost(store, 'hook_001', 'b', T + 2000)).toBe(true);
    expect(await noteDockerHost(store, 'hook_001', 'a', T + 3000)).toBe(true);
    expect(await noteDockerHost(store, 'hook_002', 'a', T + 3000)).toBe(false); // per hook
    // b fell silent: a day later a is alone again, and b is forgotten.
    expect(await noteDockerHost(store, 'hook_001', 'a', T + 25 * HOUR)).toBe(false);
    expect(JSON.parse((await store.getMeta('hook_hosts:hook_001'))!)).toEqual({ a: T + 25 * HOUR });
  });

  it('names the host in the message once a second host reports to the hook, not before', async () => {
    const { store } = testStore();
    const hook = await dockerHook(store);
    const clock = { now: () => T };
    await storeDockerEvent(store, clock, { event: die(1) }, 'e1', 'host-a');
    await storeDockerEvent(store, clock, { event: die(2) }, 'e2', 'host-b');
    await storeDockerEvent(store, clock, { event: die(3) }, 'e3'); // one process (SQLite): no host
    const stored = await store.unprocessedEvents(10);
    expect(stored.map((e) => e.hookId)).toEqual([hook.id, hook.id, hook.id]);
    const fieldsOf = (payload: string) => renderEvent(parseDocker(JSON.parse(payload), '2026-03-01T12:00:00.000Z')).body.embeds?.[0].fields ?? [];
    expect(fieldsOf(stored[0].payload).find((f) => f.name === 'Host')).toBeUndefined();
    expect(fieldsOf(stored[1].payload).find((f) => f.name === 'Host')).toMatchObject({ value: 'host-b' });
    expect(fieldsOf(stored[2].payload).find((f) => f.name === 'Host')).toBeUndefined();
    expect((parseDocker(JSON.parse(stored[1].payload), '2026-03-01T12:00:00.000Z').fields as Record<string, unknown>).host).toBe('host-b');
  });

  it("keeps each replica's Docker bookkeeping apart and shares everything else", async () => {
    const { store } = testStore();
    const a = perReplicaDockerState(store, 'a');
    const b = perReplicaDockerState(store, 'b');
    await a.setMeta('docker_last_time_nano', '1');
    await b.setMeta('docker_last_time_nano', '2');
    await a.setMeta('public_url', 'https://x.test');
    expect([await a.getMeta('docker_last_time_nano'), await b.getMeta('docker_last_time_nano')]).toEqual(['1', '2']);
    expect(await b.getMeta('public_url')).toBe('https://x.test');
    expect(await store.getMeta('docker_last_time_nano@a')).toBe('1');
    await dockerHook(store);
    expect((await b.allHooks()).map((h) => h.id)).toEqual(['hook_001']);
  });
});
