/**
 * The load generator: signed GitHub push deliveries (`src/samples/github-push.ts`), each with a fresh
 * `X-GitHub-Delivery`, over keep-alive loopback connections; closed loops and paced sends.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { samplePush } from '../src/samples/github-push.js';

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export const wallNow = () => performance.timeOrigin + performance.now();

export interface Answer {
  status: number;
  /** Request sent → response headers received, in ms. */
  ms: number;
  /** When the response headers arrived (`wallNow()`). */
  at: number;
  deliveryId: string;
}

/** Sends signed pushes to `http://127.0.0.1:<port>/webhook/github/<hookId>`. */
export class PushSender {
  private readonly body: string;
  private readonly signature: string;
  readonly agent: Agent;

  /** The size of the delivery body. */
  static readonly bodyBytes = Buffer.byteLength(JSON.stringify(samplePush('acme/api')));

  constructor(secret: string, connections: number, repo = 'acme/api') {
    this.body = JSON.stringify(samplePush(repo));
    this.signature = `sha256=${createHmac('sha256', secret).update(this.body).digest('hex')}`;
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  send(port: number, hookId: string): Promise<Answer> {
    const deliveryId = randomUUID();
    const t0 = performance.now();
    return new Promise((resolve) => {
      const done = (status: number) => resolve({ status, ms: performance.now() - t0, at: wallNow(), deliveryId });
      const req = request({
        host: '127.0.0.1', port, path: `/webhook/github/${hookId}`, method: 'POST', agent: this.agent,
        headers: {
          'content-type': 'application/json', 'content-length': Buffer.byteLength(this.body), 'x-github-event': 'push',
          'x-github-delivery': deliveryId, 'x-hub-signature-256': this.signature, 'user-agent': 'GitHub-Hookshot/bench',
        },
      }, (res) => {
        const a = { status: res.statusCode ?? 0, ms: performance.now() - t0, at: wallNow(), deliveryId };
        res.resume();
        res.on('end', () => resolve(a));
        res.on('error', () => resolve(a));
      });
      req.on('error', () => done(0)); // counted as a failed request; the loop goes on
      req.end(this.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The value below which p% of the samples fall (nearest rank). */
export function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export interface LoopResult {
  requests: number;
  seconds: number;
  /** Every request's latency (ms), for pooling runs. */
  latencies: number[];
  rps: number;
  p50: number;
  p99: number;
  /** Answers other than 2xx, and requests that failed without an answer. */
  failed: number;
  /** Delivery ids answered 2xx. */
  accepted: string[];
}

/** Closed loop: `connections` clients each send the next delivery as soon as the previous one is answered. */
export async function closedLoop(sender: PushSender, port: number, hookId: string, connections: number, seconds: number): Promise<LoopResult> {
  const lat: number[] = [];
  const accepted: string[] = [];
  let failed = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < end) {
      const a = await sender.send(port, hookId);
      lat.push(a.ms);
      if (a.status >= 200 && a.status < 300) accepted.push(a.deliveryId);
      else failed++;
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  return {
    requests: lat.length, seconds: elapsed, latencies: lat, rps: lat.length / elapsed, p50: pct(lat, 50), p99: pct(lat, 99), failed, accepted,
  };
}

/** Several measurements of one server as one: requests over total time, percentiles over every latency. */
export function pool(runs: LoopResult[]): LoopResult {
  const latencies = runs.flatMap((r) => r.latencies);
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  return {
    requests: latencies.length, seconds, latencies, rps: latencies.length / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99),
    failed: runs.reduce((n, r) => n + r.failed, 0), accepted: runs.flatMap((r) => r.accepted),
  };
}

/** Sends one delivery at each of the given offsets (ms from now), whatever the answers do; resolves with every answer. */
export async function paced(offsetsMs: number[], send: (i: number) => Promise<Answer>): Promise<Answer[]> {
  const t0 = performance.now();
  const pending: Promise<Answer>[] = [];
  for (let i = 0; i < offsetsMs.length; i++) {
    const wait = t0 + offsetsMs[i] - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(i));
  }
  return Promise.all(pending);
}
