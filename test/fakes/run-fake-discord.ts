/**
 * Runs the Discord stand-in in its own process.
 *
 *   npx tsx test/fakes/run-fake-discord.ts
 *     for trying `npm start` by hand: prints the DISCORD_API_URL and DISCORD_TOKEN to use.
 *
 *   npx tsx test/fakes/run-fake-discord.ts --json [--rate-limit 5/5000] [--channels 40]
 *     for `npm run bench`: the first stdout line is JSON `{ apiUrl, token, control, channels }`; then one JSON line
 *     `{ "post": { channelId, at } }` per `POST /channels/:id/messages` as it arrives (before its body is read;
 *     `at` = performance.timeOrigin + performance.now(), epoch milliseconds with sub-millisecond precision).
 *     `--rate-limit N/MS` enforces Discord's per-channel message bucket (N posts per MS, with X-RateLimit headers);
 *     `--channels K` adds K text channels (their ids are in `channels`) so each hook can have an idle one.
 *     `GET <control>/stats?channel=<id>` answers `{ messages, visible, tooManyRequests, rejected, lastPostAt }`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { FakeDiscord } from './discord.js';
import { IDS } from './discord-guild.js';

const { values } = parseArgs({
  options: { json: { type: 'boolean', default: false }, 'rate-limit': { type: 'string' }, channels: { type: 'string', default: '0' } },
});

const rate = values['rate-limit']?.match(/^(\d+)\/(\d+)$/);
if (values['rate-limit'] !== undefined && !rate) throw new Error('--rate-limit must look like 5/5000 (posts / milliseconds)');
const extra = Math.min(1000, Math.max(0, Number(values.channels) || 0));
const channels = Array.from({ length: extra }, (_, i) => String(300000000000000000n + BigInt(i)));

const now = () => performance.timeOrigin + performance.now();
let lastPostAt = 0;
const fake = await new FakeDiscord({
  rateLimit: rate ? { limit: Number(rate[1]), windowMs: Number(rate[2]) } : undefined,
  channels,
  onRequest: (method, path) => {
    const m = method === 'POST' ? path.match(/^\/channels\/(\d+)\/messages$/) : null;
    if (!m) return;
    lastPostAt = now();
    if (values.json) console.log(JSON.stringify({ post: { channelId: m[1], at: lastPostAt } }));
  },
}).start();

const control = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method !== 'GET' || url.pathname !== '/stats') {
    res.writeHead(404).end();
    return;
  }
  const channel = url.searchParams.get('channel') ?? IDS.channel;
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
    messages: fake.channelMessages(channel).length, visible: fake.visibleEvents(channel).length,
    tooManyRequests: fake.tooManyRequests, rejected: fake.rejected.length, lastPostAt,
  }));
});
await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));

if (values.json) {
  const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
  console.log(JSON.stringify({ apiUrl: fake.apiUrl, token: fake.token, control: controlUrl, channels }));
} else {
  console.log(`DISCORD_API_URL=${fake.apiUrl} DISCORD_TOKEN=${fake.token}`);
}

const stop = () => {
  control.close();
  void fake.stop().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
