import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { createIngest } from '../../src/ingest.js';
import { createMetrics } from '../../src/metrics.js';
import type { Hook, Store } from '../../src/store/store.js';
import { testStore } from '../helpers/store.js';
import { createTestLogger } from '../helpers/test-logger.js';

const STD_SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const STD_OLD = `whsec_${Buffer.from('old-old-old-old-old-old-old-old!').toString('base64')}`;
const stripe = new Stripe('sk_test_123');
const hex = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest('hex');
const nowS = () => Math.floor(Date.now() / 1000);

describe('POST /webhook/custom/:hookId — signature schemes', () => {
  let store: Store;
  let close: () => void;
  let server: Server;
  let base: string;

  beforeEach(async () => {
    ({ store, close } = testStore());
    const app = createApp({
      store, ingest: createIngest({ store }), onStored: () => {}, log: createTestLogger().log, metrics: createMetrics(), clock: { now: () => Date.now() },
      maxBodyBytes: 1 << 20, health: async () => ({ ready: true, status: 'ok', discord: 'up', docker: 'down', db: 'up' }),
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((r) => server.close(r));
    close();
  });

  async function hook(verify: Hook['verify'], secret: string, rateLimit = 60) {
    const h = await store.createHook({
      guildId: 'g', channelId: 'c', userId: 'u', service: 'custom', secret, verify, events: ['*'], filters: {},
      templates: {}, enabled: true, createdAt: new Date().toISOString(), rateLimit,
    });
    return `${base}/webhook/custom/${h.id}`;
  }
  const post = (url: string, body: string, headers: Record<string, string>) =>
    fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const stored = async () => (await store.unprocessedEvents(100)).length;

  describe('stripe (signed by the stripe SDK)', () => {
    const secret = 'whsec_test_stripe_secret';
    // Stripe pretty-prints its payloads; the signature covers those exact bytes.
    const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', created: nowS(),
      data: { object: { id: 'pi_1', object: 'payment_intent', amount: 2000, currency: 'usd' } } }, null, 2);

    it('accepts a valid signature and dedupes on the event id', async () => {
      const url = await hook('stripe', secret);
      const sig = stripe.webhooks.generateTestHeaderString({ payload, secret });
      expect((await post(url, payload, { 'stripe-signature': sig })).status).toBe(202);
      expect((await post(url, payload, { 'stripe-signature': sig })).status).toBe(200);
      expect(await stored()).toBe(1);
    });

    it('accepts any of several v1 signatures (secret rotation)', async () => {
      const url = await hook('stripe', secret);
      const t = nowS();
      const sig = `t=${t},v1=${hex('whsec_old', `${t}.${payload}`)},v1=${hex(secret, `${t}.${payload}`)}`;
      expect((await post(url, payload, { 'stripe-signature': sig })).status).toBe(202);
    });

    it.each([
      ['a wrong secret', () => stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_wrong' })],
      ['a stale timestamp', () => stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: nowS() - 600 })],
      ['a future timestamp', () => stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: nowS() + 600 })],
      ['a garbled header', () => 'nonsense'],
    ])('refuses %s', async (_n, sig) => {
      const url = await hook('stripe', secret);
      expect((await post(url, payload, { 'stripe-signature': sig() })).status).toBe(401);
      expect(await stored()).toBe(0);
    });

    it('refuses a tampered body and a missing header', async () => {
      const url = await hook('stripe', secret);
      const sig = stripe.webhooks.generateTestHeaderString({ payload, secret });
      expect((await post(url, payload.replace('2000', '1'), { 'stripe-signature': sig })).status).toBe(401);
      expect((await post(url, payload, {})).status).toBe(401);
    });
  });

  describe('standard webhooks (signed by the standardwebhooks library)', () => {
    const body = JSON.stringify({ type: 'invoice.paid', data: { amount: 5 } });
    const headers = (secret: string, id = 'msg_1', at = new Date()) => {
      const signature = new Webhook(secret).sign(id, at, body);
      return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature };
    };

    it('accepts webhook-* and svix-* headers and dedupes on the message id', async () => {
      const url = await hook('standard', STD_SECRET);
      expect((await post(url, body, headers(STD_SECRET))).status).toBe(202);
      expect((await post(url, body, headers(STD_SECRET))).status).toBe(200);
      const h = headers(STD_SECRET, 'msg_2');
      expect((await post(url, body, { 'svix-id': h['webhook-id'], 'svix-timestamp': h['webhook-timestamp'], 'svix-signature': h['webhook-signature'] })).status).toBe(202);
      expect(await stored()).toBe(2);
    });

    it('accepts a header with several signatures (key rotation)', async () => {
      const url = await hook('standard', STD_SECRET);
      const old = headers(STD_OLD, 'msg_3');
      const cur = headers(STD_SECRET, 'msg_3');
      expect((await post(url, body, { ...cur, 'webhook-signature': `${old['webhook-signature']} ${cur['webhook-signature']}` })).status).toBe(202);
    });

    it('refuses a wrong secret, a stale or future timestamp, a tampered body, missing headers', async () => {
      const url = await hook('standard', STD_SECRET);
      expect((await post(url, body, headers(STD_OLD))).status).toBe(401);
      expect((await post(url, body, headers(STD_SECRET, 'm', new Date(Date.now() - 600_000)))).status).toBe(401);
      expect((await post(url, body, headers(STD_SECRET, 'm', new Date(Date.now() + 600_000)))).status).toBe(401);
      expect((await post(url, body.replace('5', '6'), headers(STD_SECRET))).status).toBe(401);
      expect((await post(url, body, {})).status).toBe(401);
      expect(await stored()).toBe(0);
    });
  });

  describe('slack', () => {
    const secret = 'slack-signing-secret-123';
    const sign = (body: string, ts = nowS()) => ({
      'x-slack-request-timestamp': String(ts), 'x-slack-signature': `v0=${hex(secret, `v0:${ts}:${body}`)}`,
    });

    it('accepts a signed form body with payload=… (interactivity) before parsing it', async () => {
      const url = await hook('slack', secret);
      const body = new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { username: 'ana' }, actions: [{ action_id: 'deploy' }] }) }).toString();
      const res = await post(url, body, { ...sign(body), 'content-type': 'application/x-www-form-urlencoded' });
      expect(res.status).toBe(202);
      const [ev] = await store.unprocessedEvents(1);
      expect(JSON.parse(ev.payload).actions[0].action_id).toBe('deploy');
    });

    it('answers the Events API url_verification challenge', async () => {
      const url = await hook('slack', secret);
      const body = JSON.stringify({ type: 'url_verification', challenge: 'abc123', token: 'x' });
      const res = await post(url, body, sign(body));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ challenge: 'abc123' });
    });

    it('refuses a stale timestamp and a wrong secret', async () => {
      const url = await hook('slack', secret);
      const body = JSON.stringify({ type: 'event_callback', event_id: 'Ev1', event: { type: 'message', text: 'hi' } });
      expect((await post(url, body, sign(body, nowS() - 400))).status).toBe(401);
      expect((await post(url, body, { ...sign(body), 'x-slack-signature': 'v0=00' })).status).toBe(401);
      expect((await post(url, body, sign(body))).status).toBe(202);
    });
  });

  describe('github, gitlab, circleci, hmac, token, none', () => {
    const body = JSON.stringify({ event: 'Server Alert', message: 'CPU usage at 95%' });

    it('github: X-Hub-Signature-256', async () => {
      const url = await hook('github', 's3cret-s3cret');
      expect((await post(url, body, { 'x-hub-signature-256': `sha256=${hex('s3cret-s3cret', body)}`, 'x-github-event': 'ping' })).status).toBe(202);
      expect((await post(url, body, { 'x-hub-signature-256': `sha256=${hex('wrong', body)}` })).status).toBe(401);
    });

    it('gitlab: X-Gitlab-Token, deduped on Idempotency-Key', async () => {
      const url = await hook('gitlab', 'gl-token-123');
      const h = { 'x-gitlab-token': 'gl-token-123', 'x-gitlab-event': 'Pipeline Hook', 'idempotency-key': 'k-1' };
      expect((await post(url, body, h)).status).toBe(202);
      expect((await post(url, body, h)).status).toBe(200);
      expect((await post(url, body, { ...h, 'x-gitlab-token': 'nope' })).status).toBe(401);
      expect((await post(url, body, {})).status).toBe(401);
    });

    it('circleci: circleci-signature v1=', async () => {
      const url = await hook('circleci', 'cci-secret');
      expect((await post(url, body, { 'circleci-signature': `v1=${hex('cci-secret', body)}` })).status).toBe(202);
      expect((await post(url, body, { 'circleci-signature': `v1=${hex('x', body)}` })).status).toBe(401);
      expect((await post(url, body, { 'circleci-signature': 'garbage' })).status).toBe(401);
    });

    it('hmac: X-Signature-256 over the raw body', async () => {
      const url = await hook('hmac', 'hmac-secret');
      expect((await post(url, body, { 'x-signature-256': `sha256=${hex('hmac-secret', body)}` })).status).toBe(202);
      expect((await post(url, `${body} `, { 'x-signature-256': `sha256=${hex('hmac-secret', body)}` })).status).toBe(401);
      expect((await post(url, body, {})).status).toBe(401);
    });

    it('token: X-Hook-Token or Authorization: Bearer', async () => {
      const url = await hook('token', 'tok-123456');
      expect((await post(url, body, { 'x-hook-token': 'tok-123456' })).status).toBe(202);
      expect((await post(url, body, { authorization: 'Bearer tok-123456' })).status).toBe(202);
      expect((await post(url, body, { authorization: 'Bearer nope' })).status).toBe(401);
    });

    it('none: accepts anything', async () => {
      const url = await hook('none', '');
      expect((await post(url, body, {})).status).toBe(202);
    });

    it('a hook waiting for its provider secret refuses deliveries', async () => {
      const url = await hook('stripe', '');
      const res = await post(url, body, { 'stripe-signature': 't=1,v1=00' });
      expect(res.status).toBe(401);
      expect((await res.json()).error).toContain('secret');
    });

    it('malformed JSON after a valid signature is 400', async () => {
      const url = await hook('hmac', 'hmac-secret');
      expect((await post(url, '{"a":', { 'x-signature-256': `sha256=${hex('hmac-secret', '{"a":')}` })).status).toBe(400);
    });
  });

  it('answers 429 with Retry-After over the hook\'s rate limit, storing nothing more', async () => {
    const url = await hook('none', '', 3);
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await post(url, JSON.stringify({ i }), {})).status);
    expect(codes).toEqual([202, 202, 202, 429, 429]);
    const res = await post(url, '{}', {});
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await stored()).toBe(3);
  });
});
