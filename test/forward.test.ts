import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newStandardSecret } from '../commands/custom.js';
import { FORWARD_SCHEDULE_MS } from '../src/forward/forwarder.js';
import { addressProblem, checkForwardUrl } from '../src/forward/url-policy.js';
import { createMetrics } from '../src/metrics.js';
import { createPipeline, type Pipeline } from '../src/pipeline.js';
import { samplePush } from '../src/samples/github-push.js';
import type { Store } from '../src/store/store.js';
import { githubHook, testStore } from './helpers/store.js';
import { tempDbPath } from './helpers/start-hookbot.js';
import { createTestLogger } from './helpers/test-logger.js';
import { recordingNotifier } from './helpers/recording-notifier.js';

/** A receiver on loopback that answers as told: a status, or 'hang'. It dedupes by webhook-id like a good receiver. */
class Receiver {
  server!: Server;
  url = '';
  plan: (number | 'hang')[] = [];
  requests: { id: string; body: any; headers: Record<string, string> }[] = [];
  accepted = new Map<string, any>();
  private hung: ServerResponse[] = [];
  constructor(private readonly secret: string) {}
  async start() {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => { raw += c; });
      req.on('end', () => {
        const headers = req.headers as Record<string, string>;
        this.requests.push({ id: headers['webhook-id'], body: JSON.parse(raw), headers });
        const step = this.plan.shift() ?? 200;
        if (step === 'hang') { this.hung.push(res); return; }
        if (step >= 200 && step < 300) {
          // Check the signature (the receiver's clock is not the test's manual one, so not the timestamp).
          const expected = new Webhook(this.secret).sign(headers['webhook-id'], new Date(Number(headers['webhook-timestamp']) * 1000), raw);
          if (expected !== headers['webhook-signature']) throw new Error('bad signature');
          this.accepted.set(headers['webhook-id'], JSON.parse(raw));
        }
        res.writeHead(step).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
    return this;
  }
  async stop() {
    for (const r of this.hung) r.destroy();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

describe('outgoing forwards', () => {
  let store: Store;
  let close: () => void;
  let pipeline: Pipeline;
  let receiver: Receiver;
  let now: number;
  let dbPath: string;
  const secret = newStandardSecret();
  const notifier = recordingNotifier();
  const notices = () => notifier.texts();

  const build = () => createPipeline({
    store, clock: { now: () => now }, log: createTestLogger().log, metrics: createMetrics(), forwardTimeoutMs: 300,
    notifier,
  });

  beforeEach(async () => {
    now = Date.now();
    notifier.clear();
    dbPath = tempDbPath();
    ({ store, close } = testStore(dbPath));
    receiver = await new Receiver(secret).start();
    await githubHook(store); // hook_001: GitHub in channel c
    await store.createHook({
      guildId: '100000000000000001', channelId: '100000000000000002', userId: 'u', service: 'custom', secret: 'x'.repeat(43),
      verify: 'hmac', events: ['*'], filters: {}, templates: {}, enabled: true, createdAt: new Date(now).toISOString(),
      url: receiver.url, forwardSecret: secret, forwardEvents: ['*'], forwardState: 'ok',
    }); // hook_002: forwards the channel's events
    pipeline = build();
  });
  afterEach(async () => {
    await pipeline.stop();
    close();
    await receiver.stop();
  });

  async function push(n: number) {
    for (let i = 0; i < n; i++) {
      await store.insertEvent({ hookId: 'hook_001', deliveryId: `d-${i}`, eventType: 'push', payload: JSON.stringify(samplePush(`acme/r-${i}`)), receivedAt: new Date(now).toISOString() });
    }
    await pipeline.drain();
    await pipeline.forwarder.drain();
  }
  /** Moves time past every retry and works the queue each step. */
  async function runRetries() {
    for (const wait of FORWARD_SCHEDULE_MS) {
      now += wait * 1.2 + 1000;
      await pipeline.forwarder.drain();
    }
  }

  it('posts Standard Webhooks-signed {type, timestamp, data} the receiver can verify', async () => {
    await push(1);
    expect(receiver.accepted.size).toBe(1);
    const [body] = [...receiver.accepted.values()];
    expect(body.type).toBe('github.push');
    expect(body.timestamp).toBe('2026-01-01T12:00:00Z');
    expect(body.data).toMatchObject({ hook: 'hook_001', repo: 'acme/r-0', branch: 'main', title: '[acme/r-0:main] 2 new commits' });
    expect(body.data.payload.ref).toBe('refs/heads/main');
  });

  it('retries failures and hangs with the same webhook-id until the receiver recovers; nothing twice', async () => {
    receiver.plan = [500, 'hang', 503, 302];
    await push(3);
    await runRetries();
    expect(receiver.accepted.size).toBe(3);
    const ids = receiver.requests.map((r) => r.id);
    expect(new Set(ids).size).toBe(3); // retries reuse the id
    expect(ids.length).toBe(3 + 4);
    expect([...receiver.accepted.values()].map((b) => b.data.repo).sort()).toEqual(['acme/r-0', 'acme/r-1', 'acme/r-2']);
  });

  it('keeps queued forwards across a restart', async () => {
    receiver.plan = [500, 500, 500];
    await push(3);
    expect(receiver.accepted.size).toBe(0);
    await pipeline.stop();
    close();
    ({ store, close } = testStore(dbPath));
    pipeline = build();
    await pipeline.drain();
    await runRetries();
    expect(receiver.accepted.size).toBe(3);
  });

  it('tells the channel once after the last try, and replays what failed', async () => {
    receiver.plan = Array(100).fill(500);
    await push(2);
    await runRetries();
    await pipeline.drain();
    expect((await store.getHook('hook_002'))!.forwardState).toBe('failing');
    expect(notices().filter((n) => n.includes('keeps failing'))).toHaveLength(1);
    expect(await store.forwardCounts('hook_002')).toMatchObject({ failed: 2, pending: 0 });
    receiver.plan = [];
    expect(await store.replayForwards('hook_002', now)).toBe(2);
    await pipeline.forwarder.drain();
    expect(receiver.accepted.size).toBe(2);
    expect((await store.getHook('hook_002'))!.forwardState).toBe('ok');
  });

  it('stops forwarding on 410 Gone', async () => {
    receiver.plan = [410];
    await push(1);
    await pipeline.drain();
    expect((await store.getHook('hook_002'))!.forwardState).toBe('disabled');
    expect(notices().some((n) => n.includes('410 Gone'))).toBe(true);
    await push(1); // new events are no longer forwarded
    expect(receiver.requests).toHaveLength(1);
  });

  it('forwards only the named events when --events is given', async () => {
    await store.updateHook('hook_002', { forwardEvents: ['pull_request'] });
    await push(1);
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('forward URL policy (SSRF)', () => {
  const policy = { privateAddresses: 'allow' as const, allowLinkLocal: false };
  it('refuses non-http schemes and metadata addresses', async () => {
    expect(await checkForwardUrl('file:///etc/passwd', policy)).toMatch(/only http/);
    expect(await checkForwardUrl('gopher://x', policy)).toMatch(/only http/);
    expect(await checkForwardUrl('http://169.254.169.254/latest/meta-data', policy)).toMatch(/link-local/);
    expect(await checkForwardUrl('http://[fe80::1]/', policy)).toMatch(/link-local/);
    expect(await checkForwardUrl('http://[::ffff:169.254.169.254]/', policy)).toMatch(/link-local/);
    expect(await checkForwardUrl('http://127.0.0.1:9/x', policy)).toBeNull();
  });
  it('refuses private ranges when told to', () => {
    const deny = { privateAddresses: 'deny' as const, allowLinkLocal: false };
    for (const a of ['10.1.2.3', '172.20.0.1', '192.168.1.1', '127.0.0.1', '::1', 'fd12::1']) expect(addressProblem(a, deny)).toMatch(/private/);
    expect(addressProblem('93.184.216.34', deny)).toBeNull();
  });
});
