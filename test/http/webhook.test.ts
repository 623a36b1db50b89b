import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { createIngest } from '../../src/ingest.js';
import { createMetrics } from '../../src/metrics.js';
import { samplePush } from '../../src/samples/github-push.js';
import type { Store } from '../../src/store/store.js';
import { deliverGithub, githubSignature } from '../helpers/sign.js';
import { githubHook, SECRET, testStore } from '../helpers/store.js';
import { createTestLogger } from '../helpers/test-logger.js';

describe('POST /webhook/github/:hookId', () => {
  let store: Store;
  let close: () => void;
  let server: Server;
  let base: string;
  let kicks: number;
  let ready: boolean;

  beforeEach(async () => {
    ({ store, close } = testStore());
    kicks = 0;
    ready = true;
    const app = createApp({
      store, ingest: createIngest({ store }), onStored: () => { kicks++; }, log: createTestLogger().log, metrics: createMetrics(),
      clock: { now: () => Date.parse('2026-01-01T00:00:00Z') }, maxBodyBytes: 64 * 1024,
      health: async () => ({ ready, status: ready ? 'ok' : 'degraded', discord: ready ? 'up' : 'down', docker: 'down', db: 'up' }),
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await githubHook(store);
  });
  afterEach(async () => {
    await new Promise((r) => server.close(r));
    close();
  });

  const url = () => `${base}/webhook/github/hook_001`;
  const stored = async () => (await store.unprocessedEvents(1000)).length;

  it('stores a correctly signed delivery and answers 202', async () => {
    const res = await deliverGithub(url(), SECRET, 'push', samplePush());
    expect(res.status).toBe(202);
    expect(await stored()).toBe(1);
    expect(kicks).toBe(1);
    expect((await store.getHook('hook_001'))!.lastDeliveryAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('answers 200 to the same X-GitHub-Delivery and stores it once', async () => {
    const first = await deliverGithub(url(), SECRET, 'push', samplePush(), { delivery: 'abc-1' });
    const second = await deliverGithub(url(), SECRET, 'push', samplePush(), { delivery: 'abc-1' });
    expect([first.status, second.status]).toEqual([202, 200]);
    expect(await stored()).toBe(1);
  });

  it('rejects a delivery whose signature was made with another secret', async () => {
    const res = await deliverGithub(url(), 'another-secret', 'push', samplePush());
    expect(res.status).toBe(401);
    expect(await stored()).toBe(0);
    expect(kicks).toBe(0);
  });

  it('rejects a delivery without a signature', async () => {
    const res = await deliverGithub(url(), SECRET, 'push', samplePush(), { signature: null });
    expect(res.status).toBe(401);
    expect((await res.json()).error).toMatch(/X-Hub-Signature-256/);
    expect(await stored()).toBe(0);
  });

  it('rejects a body changed after signing (signature over the raw bytes)', async () => {
    const body = JSON.stringify(samplePush());
    const res = await deliverGithub(url(), SECRET, 'push', null, { body: body.replace('main', 'mainx'), signature: githubSignature(SECRET, body) });
    expect(res.status).toBe(401);
  });

  it('verifies over the exact bytes even when they are pretty-printed', async () => {
    const res = await deliverGithub(url(), SECRET, 'push', null, { body: JSON.stringify(samplePush(), null, 2) });
    expect(res.status).toBe(202);
  });

  it('answers 400 to malformed JSON (correctly signed) and stores nothing', async () => {
    const res = await deliverGithub(url(), SECRET, 'push', null, { body: '{"ref": "refs/heads/main",' });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/malformed JSON/);
    expect(await stored()).toBe(0);
  });

  it('answers 400 when X-GitHub-Event is missing', async () => {
    const body = JSON.stringify(samplePush());
    const res = await fetch(url(), {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': githubSignature(SECRET, body) },
    });
    expect(res.status).toBe(400);
    expect(await stored()).toBe(0);
  });

  it('accepts GitHub\'s form-encoded content type', async () => {
    const body = new URLSearchParams({ payload: JSON.stringify(samplePush()) }).toString();
    const res = await fetch(url(), {
      method: 'POST', body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded', 'x-github-event': 'push',
        'x-github-delivery': 'form-1', 'x-hub-signature-256': githubSignature(SECRET, body),
      },
    });
    expect(res.status).toBe(202);
  });

  it('answers 404 to an unknown hook, a disabled hook and the wrong service', async () => {
    expect((await deliverGithub(`${base}/webhook/github/hook_999`, SECRET, 'push', samplePush())).status).toBe(404);
    expect((await deliverGithub(`${base}/webhook/custom/hook_001`, SECRET, 'push', samplePush())).status).toBe(404);
    expect((await deliverGithub(`${base}/webhook/nope/hook_001`, SECRET, 'push', samplePush())).status).toBe(404);
    await store.updateHook('hook_001', { enabled: false });
    expect((await deliverGithub(url(), SECRET, 'push', samplePush())).status).toBe(404);
    expect(await stored()).toBe(0);
  });

  it('answers 413 to a body over MAX_BODY_BYTES and stores nothing', async () => {
    const big = JSON.stringify({ ...samplePush(), padding: 'x'.repeat(70 * 1024) });
    const res = await deliverGithub(url(), SECRET, 'push', null, { body: big });
    expect(res.status).toBe(413);
    expect(await stored()).toBe(0);
  });

  it('reports health as 200 when ready and 503 when not', async () => {
    const ok = await fetch(`${base}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok', discord: 'up', docker: 'down', db: 'up' });
    ready = false;
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
  });

  it('counts deliveries by service and status in /metrics', async () => {
    await deliverGithub(url(), SECRET, 'push', samplePush());
    await deliverGithub(url(), 'wrong', 'push', samplePush());
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('hookbot_deliveries_total{service="github",status="202"} 1');
    expect(text).toContain('hookbot_deliveries_total{service="github",status="401"} 1');
    expect(text).toContain('hookbot_queue_depth');
  });
});
