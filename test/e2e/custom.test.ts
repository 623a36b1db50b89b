import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { startHookbot } from '../helpers/start-hookbot.js';

describe('!hook custom end to end', () => {
  let discord: FakeDiscord;
  let started: Awaited<ReturnType<typeof startHookbot>>;
  let receiver: Server;
  let received: { id: string; body: any }[];
  let receiverUrl: string;

  beforeEach(async () => {
    discord = await new FakeDiscord().start();
    started = await startHookbot(discord);
    received = [];
    receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => { raw += c; });
      req.on('end', () => { received.push({ id: String(req.headers['webhook-id']), body: JSON.parse(raw) }); res.writeHead(204).end(); });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/in`;
  });
  afterEach(async () => {
    await started.bot.stop();
    await discord.stop();
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  });

  const reply = (to: string) => discord.waitFor(() => discord.channelMessages().find((m) => m.body.message_reference?.message_id === to));
  const lastReply = (pred: (m: any) => boolean) => discord.waitFor(() => [...discord.channelMessages()].reverse().find(pred));

  it('creates an HMAC endpoint; a signed JSON post is rendered with the template; events are forwarded', async () => {
    const id = discord.userSays(IDS.admin, `!hook custom ${receiverUrl}`);
    const setup = await reply(id);
    expect(JSON.stringify(setup.body)).toContain('https://hooks.example.test/webhook/custom/hook_001');
    const dm = await discord.waitFor(() => discord.dms.find((d) => d.userId === IDS.admin));
    const [secret, forwardSecret] = [...dm.body.content.matchAll(/```\n(.+)\n```/g)].map((m) => m[1]);
    expect(forwardSecret).toMatch(/^whsec_/);
    expect(JSON.stringify(setup.body)).not.toContain(secret);

    await reply(discord.userSays(IDS.admin, '!hook format hook_001 "🔔 {{event}}: {{message}}"'));
    const body = JSON.stringify({ event: 'Server Alert', message: 'CPU usage at 95%' });
    const res = await fetch(`${started.base}/webhook/custom/hook_001`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` },
    });
    expect(res.status).toBe(202);
    await lastReply((m) => m.body.content === '🔔 Server Alert: CPU usage at 95%');
    await discord.waitFor(() => received.length === 1);
    expect(received[0].body).toMatchObject({ type: 'custom.event', data: { fields: { event: 'Server Alert' } } });
  });

  it('test reports the forward\'s HTTP status', async () => {
    await reply(discord.userSays(IDS.admin, `!hook custom ${receiverUrl} --verify token`));
    const r = await reply(discord.userSays(IDS.admin, '!hook test hook_001'));
    expect(r.body.content).toMatch(/Test forward to .*HTTP 204\*\* in \d+ ms/);
  });

  it('secret: deletes the message at once and never echoes the value', async () => {
    await reply(discord.userSays(IDS.admin, '!hook custom --verify stripe'));
    const msgId = discord.userSays(IDS.admin, '!hook hook_001 secret whsec_abcdefghijklmnop');
    const confirm = await lastReply((m) => String(m.body.content).includes('updated'));
    expect(discord.deleted).toContain(msgId);
    expect(JSON.stringify(discord.messages)).not.toContain('whsec_abcdefghijklmnop');
    expect(confirm.body.message_reference).toBeUndefined();
  });

  it('refuses forward targets on link-local/metadata addresses and non-http schemes', async () => {
    const r1 = await reply(discord.userSays(IDS.admin, '!hook custom http://169.254.169.254/latest'));
    expect(r1.body.content).toContain('link-local');
    const r2 = await reply(discord.userSays(IDS.admin, '!hook custom ftp://example.com/x'));
    expect(r2.body.content).toContain('only http');
    const r3 = await reply(discord.userSays(IDS.admin, '!hook custom --verify rot13'));
    expect(r3.body.content).toContain('unknown scheme');
    const list = await reply(discord.userSays(IDS.admin, '!hook list'));
    expect(JSON.stringify(list.body)).toContain('No hooks yet');
  });

  it('warns that --verify none lets anyone post', async () => {
    const r = await reply(discord.userSays(IDS.admin, '!hook custom --verify none'));
    expect(JSON.stringify(r.body)).toContain('anyone who knows the URL');
  });
});
