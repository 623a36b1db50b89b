import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryDetailSchema, deliveryListSchema, replaySchema, testSentSchema } from '../../src/api/schemas.js';
import { samplePush } from '../../src/samples/github-push.js';
import { IDS } from '../fakes/discord.js';
import { deliverGithub } from '../helpers/sign.js';
import { startApi } from './helpers.js';

describe('HTTP API: deliveries, replay and test', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  let hook: { id: string; secret: string };
  beforeEach(async () => {
    api = await startApi();
    hook = (await api.call('POST', '/hooks', { service: 'github', channel_id: IDS.channel, events: ['push'] })).body;
  });
  afterEach(async () => { await api.stop(); });

  const url = () => `${api.base}/webhook/github/${hook.id}`;
  const list = async (query = '') => {
    const r = await api.call('GET', `/deliveries${query}`);
    expect(r.status).toBe(200);
    return deliveryListSchema.parse(r.body);
  };
  const pushTitled = (title: string) => api.discord.channelMessages().filter((m) => m.body.embeds?.[0]?.title === title);

  it('lists a posted delivery with a link to its Discord message, and shows its payload without signature headers', async () => {
    const payload = samplePush('acme/api');
    expect((await deliverGithub(url(), hook.secret, 'push', payload, { delivery: 'gh-delivery-1' })).status).toBe(202);
    await api.bot.drain();
    const [posted] = pushTitled('[acme/api:main] 2 new commits');
    const { data } = await list(`?hook=${hook.id}`);
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({
      hook_id: hook.id, event: 'push', delivery_id: 'gh-delivery-1', outcome: 'posted',
      messages: [{ channel_id: IDS.channel, message_id: posted.id, url: `https://discord.com/channels/${IDS.guild}/${IDS.channel}/${posted.id}`, state: 'sent', attempts: 1 }],
    });
    const detail = await api.call('GET', `/deliveries/${data[0].id}`);
    const d = deliveryDetailSchema.parse(detail.body);
    expect(d.payload).toEqual(payload);
    expect(d.headers).toMatchObject({ 'x-github-event': 'push', 'x-github-delivery': 'gh-delivery-1', 'content-type': 'application/json' });
    expect(Object.keys(d.headers!)).not.toContain('x-hub-signature-256');
    expect(detail.text).not.toContain(hook.secret);
    expect((await api.call('GET', '/deliveries/evt_999999')).status).toBe(404);
    expect((await api.call('GET', '/deliveries/nonsense')).body.error).toContain('evt_12');
  });

  it('keeps no token, authorization or cookie header of a stored delivery', async () => {
    const custom = (await api.call('POST', '/hooks', { service: 'custom', channel_id: IDS.channel, verify: 'token' })).body;
    const res = await fetch(`${api.base}/webhook/custom/${custom.id}`, {
      method: 'POST', body: JSON.stringify({ event: 'deploy', message: 'v2 is out' }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${custom.secret}`, cookie: 'session=abc', 'x-request-id': 'req-1', 'x-team': 'ops' },
    });
    expect(res.status).toBe(202);
    const [d] = (await list(`?hook=${custom.id}`)).data;
    const detail = await api.call('GET', `/deliveries/${d.id}`);
    expect(detail.body.headers).toMatchObject({ 'x-request-id': 'req-1', 'x-team': 'ops' });
    expect(Object.keys(detail.body.headers)).not.toContain('authorization');
    expect(Object.keys(detail.body.headers)).not.toContain('cookie');
    expect(detail.text).not.toContain(custom.secret);
  });

  it('says why a delivery did not post: filtered with the reason, and refused with status, reason and address but no body', async () => {
    await api.call('PATCH', `/hooks/${hook.id}`, { filters: { branch: 'release/*' } });
    expect((await deliverGithub(url(), hook.secret, 'push', samplePush())).status).toBe(202);
    expect((await deliverGithub(url(), 'not-the-secret', 'push', samplePush(), { delivery: 'bad-sig' })).status).toBe(401);
    expect((await deliverGithub(`${api.base}/webhook/github/hook_404`, hook.secret, 'push', samplePush())).status).toBe(404);
    await api.bot.drain();
    const all = await api.discord.waitFor(async () => {
      const page = await list();
      return page.data.length === 3 ? page : undefined;
    });
    const [unknown, badSig, filtered] = all.data;
    expect(filtered).toMatchObject({ outcome: 'filtered', reason: expect.stringContaining('filter `branch=release/*` does not match'), messages: [] });
    expect(badSig).toMatchObject({
      id: expect.stringMatching(/^rej_/), hook_id: hook.id, outcome: 'rejected', status: 401, event: 'push', delivery_id: 'bad-sig',
      reason: expect.stringContaining('signature'), source_ip: expect.stringContaining('127.0.0.1'),
    });
    expect(unknown).toMatchObject({ hook_id: 'hook_404', outcome: 'rejected', status: 404, reason: 'no such hook' });
    const detail = deliveryDetailSchema.parse((await api.call('GET', `/deliveries/${badSig.id}`)).body);
    expect(detail.payload).toBeNull();
    expect(detail.headers).toBeNull();
    expect((await list('?outcome=rejected')).data.map((d) => d.id)).toEqual([unknown.id, badSig.id]);
    expect((await list('?outcome=filtered')).data.map((d) => d.id)).toEqual([filtered.id]);
    expect((await list('?outcome=posted')).data).toEqual([]);
    expect((await list(`?hook=hook_404`)).data.map((d) => d.id)).toEqual([unknown.id]);
    expect((await api.call('GET', '/deliveries?outcome=lost')).status).toBe(400);
  });

  it('pages newest first through stored and refused deliveries together, each exactly once', async () => {
    for (let i = 0; i < 4; i++) {
      expect((await deliverGithub(url(), hook.secret, 'push', samplePush(`acme/r${i}`))).status).toBe(202);
      expect((await deliverGithub(url(), 'wrong', 'push', samplePush())).status).toBe(401);
    }
    await api.bot.drain();
    const total = await api.discord.waitFor(async () => ((await list('?limit=200')).data.length === 8 ? 8 : undefined));
    const everything = (await list('?limit=200')).data;
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const r = await list(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...r.data.map((d) => d.id));
      cursor = r.next_cursor;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(total);
    expect(seen).toEqual(everything.map((d) => d.id));
    const times = everything.map((d) => d.received_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect((await api.call('GET', '/deliveries?cursor=%%%')).status).toBe(400);
  });

  it('replays a stored delivery through the hook\'s current rules and posts it again', async () => {
    expect((await deliverGithub(url(), hook.secret, 'push', samplePush('acme/api'))).status).toBe(202);
    await api.bot.drain();
    const [original] = (await list()).data;
    expect(pushTitled('[acme/api:main] 2 new commits')).toHaveLength(1);
    await api.call('PATCH', `/hooks/${hook.id}`, { templates: { push: '🔁 {{repo}} again' } });
    const r = await api.call('POST', `/deliveries/${original.id}/replay`);
    expect(r.status).toBe(202);
    const replay = replaySchema.parse(r.body);
    expect(replay.replay_of).toBe(original.id);
    await api.bot.drain();
    expect(api.discord.channelMessages().filter((m) => m.body.content === '🔁 acme/api again')).toHaveLength(1);
    const copy = deliveryDetailSchema.parse((await api.call('GET', `/deliveries/${replay.delivery}`)).body);
    expect(copy).toMatchObject({ outcome: 'posted', delivery_id: `replay:${original.id.slice(4)}:1` });
    expect(copy.payload).toEqual(samplePush('acme/api'));
    const second = await api.call('POST', `/deliveries/${original.id}/replay`);
    expect(second.body.delivery).not.toBe(replay.delivery);
    // The current rules decide: with a filter that drops it, the replay is filtered.
    await api.call('PATCH', `/hooks/${hook.id}`, { filters: { branch: 'develop' } });
    const third = await api.call('POST', `/deliveries/${original.id}/replay`);
    await api.bot.drain();
    expect((await api.call('GET', `/deliveries/${third.body.delivery}`)).body.outcome).toBe('filtered');
    expect((await api.call('POST', '/deliveries/evt_424242/replay')).status).toBe(404);
    await deliverGithub(url(), 'wrong', 'push', samplePush());
    const rejected = await api.discord.waitFor(async () => (await list('?outcome=rejected')).data[0]);
    const refused = await api.call('POST', `/deliveries/${rejected.id}/replay`);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toContain('never kept');
  });

  it('sends a sample event through the whole pipeline for POST /hooks/:id/test', async () => {
    const r = await api.call('POST', `/hooks/${hook.id}/test`);
    expect(r.status).toBe(202);
    const sent = testSentSchema.parse(r.body);
    expect(sent.what).toBe('a sample push');
    await api.bot.drain();
    const d = deliveryDetailSchema.parse((await api.call('GET', `/deliveries/${sent.delivery}`)).body);
    expect(d.outcome).toBe('posted');
    expect(api.discord.channelMessages().some((m) => m.id === d.messages[0].message_id)).toBe(true);
    expect((await api.call('POST', '/hooks/hook_999/test')).status).toBe(404);
    await api.call('PATCH', `/hooks/${hook.id}`, { enabled: false });
    expect((await api.call('POST', `/hooks/${hook.id}/test`)).status).toBe(409);
  });
});
