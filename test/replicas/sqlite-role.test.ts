import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../fakes/discord.js';
import { startHookbot } from '../helpers/start-hookbot.js';

describe('one process on SQLite', () => {
  let discord: FakeDiscord;
  let started: Awaited<ReturnType<typeof startHookbot>>;
  beforeAll(async () => {
    discord = await new FakeDiscord().start();
    started = await startHookbot(discord, { REPLICA_NAME: 'solo' });
  });
  afterAll(async () => {
    await started?.bot.stop();
    await discord?.stop();
  });

  it('always leads: /healthz and /metrics say so, with the queue', async () => {
    const res = await fetch(`${started.base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok', discord: 'up', db: 'up', role: 'leader', replica: 'solo',
      queue: { unprocessed: 0, outbox_pending: 0, oldest_unprocessed_age_s: 0 },
    });
    const metrics = await (await fetch(`${started.base}/metrics`)).text();
    expect(metrics).toContain('hookbot_role{replica="solo",role="leader"} 1');
    expect(metrics).toContain('hookbot_role{replica="solo",role="follower"} 0');
    expect(metrics).toContain('hookbot_queue_lag_seconds 0');
  });
});
