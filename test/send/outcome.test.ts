import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSend, type SendResult } from '../../src/send/cli.js';

/**
 * The outcome lookup against a loopback stand-in that answers like the contract's HTTP API (CONTRACT.md, *HTTP API*:
 * `GET /api/v1/deliveries?hook=&limit=` → `{data, next_cursor}`, `GET /api/v1/deliveries/:id`), behind a hook
 * endpoint that answers `202 {status: "stored", id}` as hookbot's does.
 */
interface Stand {
  /** What `GET /deliveries?hook=…&limit=1` lists, per call (the last one repeats). */
  listed: unknown[][];
  byId?: Record<string, unknown>;
  apiStatus?: number;
  apiError?: string;
}

const TOKEN = 'admin-token-for-tests';
const posted = (id: number, outcome = 'posted', extra: Record<string, unknown> = {}) => ({
  id: `evt_${id}`, hook_id: 'hook_007', event: 'hookbot test', received_at: '2026-03-01T12:00:00Z', outcome, reason: null,
  messages: outcome === 'pending' ? [] : [{ channel_id: '2', message_id: '3', url: 'https://discord.com/channels/1/2/3', state: 'sent', attempts: 1 }],
  ...extra,
});

describe('hookbot send: the delivery\'s outcome from the HTTP API', () => {
  let server: Server;
  let base: string;
  let stand: Stand;
  const asked: { path: string; auth?: string }[] = [];

  beforeEach(async () => {
    asked.length = 0;
    server = createServer((req: IncomingMessage, res) => {
      req.resume();
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.method === 'POST' && req.url === '/webhook/custom/hook_007') return json(202, { status: 'stored', id: 41 });
      asked.push({ path: req.url!, auth: req.headers.authorization });
      if (stand.apiStatus) return json(stand.apiStatus, { error: stand.apiError });
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(401, { error: 'Authorization: Bearer <ADMIN_TOKEN> required' });
      if (req.url === '/api/v1/deliveries?hook=hook_007&limit=1') {
        const page = stand.listed.length > 1 ? stand.listed.shift()! : stand.listed[0];
        return json(200, { data: page, next_cursor: null });
      }
      const one = /^\/api\/v1\/deliveries\/(\w+)$/.exec(req.url!)?.[1];
      if (one && stand.byId?.[one]) return json(200, stand.byId[one]);
      return json(404, { error: 'no such route' });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  /** Runs the CLI with a clock that only moves when the CLI sleeps, so waiting is bounded and instant. */
  async function send(extra: string[] = [], env: Record<string, string> = { ADMIN_TOKEN: TOKEN }) {
    let t = Date.parse('2026-03-01T12:00:00Z');
    const out: string[] = [];
    const code = await runSend([`${base}/webhook/custom/hook_007`, '--secret', 's', ...extra], {
      env, out: (l) => out.push(l), err: (l) => out.push(l), now: () => t, sleep: async (ms) => { t += ms; },
    });
    return { code, text: out.join('\n'), json: extra.includes('--json') ? JSON.parse(out.at(-1)!) as SendResult : undefined };
  }

  it('asks until the delivery is no longer pending, then prints its outcome and Discord message link', async () => {
    stand = { listed: [[posted(41, 'pending')], [posted(41, 'pending')], [posted(41)]] };
    const r = await send();
    expect(r.code).toBe(0);
    expect(r.text).toContain('outcome: posted\n  https://discord.com/channels/1/2/3');
    expect(asked).toHaveLength(3);
    expect(asked.every((a) => a.auth === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('--json carries the outcome, the reason and the links', async () => {
    stand = { listed: [[posted(41, 'filtered', { reason: 'branch feature/x is not main', messages: [] })]] };
    const r = await send(['--json']);
    expect(r.json).toMatchObject({
      response: { status: 202, body: { status: 'stored', id: 41 } },
      api: { status: 'done' }, delivery: { id: 'evt_41', outcome: 'filtered', reason: 'branch feature/x is not main', messages: [] },
    });
  });

  it('when a newer delivery is listed first, looks this one up by its id (hookbot\'s 202 says 41, its API evt_41)', async () => {
    stand = { listed: [[posted(42)]], byId: { evt_41: posted(41, 'failed', { reason: 'Discord answered 403 Missing Access' }) } };
    const r = await send();
    expect(r.text).toContain('outcome: failed — Discord answered 403 Missing Access');
    expect(asked.map((a) => a.path)).toEqual(['/api/v1/deliveries?hook=hook_007&limit=1', '/api/v1/deliveries/evt_41']);
  });

  it('stops after --wait seconds when the delivery stays pending', async () => {
    stand = { listed: [[posted(41, 'pending')]] };
    const r = await send(['--wait', '2']);
    expect(r.code).toBe(0);
    expect(r.text).toContain('outcome: still pending after 2 s');
    expect(asked.length).toBeGreaterThan(1);
    expect(asked.length).toBeLessThanOrEqual(10);
  });

  it('says in one line that the API is not enabled when it answers 404', async () => {
    stand = { listed: [], apiStatus: 404, apiError: 'the HTTP API is off: set ADMIN_TOKEN to enable it' };
    const r = await send();
    expect(r.code).toBe(0);
    expect(r.text.split('\n').filter((l) => l.startsWith('outcome'))).toEqual(['outcome: not available — the HTTP API answered 404: the HTTP API is off: set ADMIN_TOKEN to enable it']);
    expect(asked).toHaveLength(1);
  });

  it('says the token was refused on 401, and asks nothing without ADMIN_TOKEN', async () => {
    stand = { listed: [[posted(41)]] };
    const refused = await send([], { ADMIN_TOKEN: 'wrong' });
    expect(refused.text).toContain('outcome: not available — the HTTP API refused ADMIN_TOKEN: Authorization: Bearer <ADMIN_TOKEN> required');
    asked.length = 0;
    const none = await send([], {});
    expect(none.text).toContain('(set ADMIN_TOKEN to see the delivery\'s outcome and its Discord message)');
    expect(asked).toHaveLength(0);
  });
});
