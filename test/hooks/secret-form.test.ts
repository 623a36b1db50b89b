import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { modalSubmit } from '../fakes/discord-guild.js';
import { startHookbot } from '../helpers/start-hookbot.js';

const EPHEMERAL = 1 << 6;

/** A member submits the form: the stand-in's gateway sends Discord's MODAL_SUBMIT (test/fakes/discord.ts is at its size limit). */
function submitForm(discord: FakeDiscord, userId: string, customId: string, values: Record<string, string>): string {
  const id = String(BigInt(IDS.application) * 1000n + BigInt(++forms));
  (discord as unknown as { dispatch(t: string, d: unknown): void }).dispatch('INTERACTION_CREATE', modalSubmit(id, userId, customId, values));
  return id;
}
let forms = 0;
const stripe = new Stripe('sk_test_123');

describe('/hook secret without pasting the secret into a channel', () => {
  let discord: FakeDiscord;
  let started: Awaited<ReturnType<typeof startHookbot>>;
  beforeEach(async () => {
    discord = await new FakeDiscord().start();
    started = await startHookbot(discord);
    const made = discord.userSays(IDS.admin, '!hook custom --verify stripe');
    await discord.waitFor(() => discord.channelMessages().find((m) => m.body.message_reference?.message_id === made));
  });
  afterEach(async () => {
    await started.bot.stop();
    await discord.stop();
  });

  const callback = (id: string) => discord.waitFor(() => discord.interactionLog(id).callback);
  const done = (id: string) => discord.waitFor(() => {
    const log = discord.interactionLog(id);
    return log.callback && log.calls.length ? log : undefined;
  });
  const stripeDelivery = (secret: string) => {
    const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_1', amount: 500, currency: 'eur' } } });
    return fetch(`${started.base}/webhook/custom/hook_001`, {
      method: 'POST', body: payload, headers: { 'content-type': 'application/json', 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret }) },
    });
  };

  it('opens a private form, sets the secret it is given, and answers only the invoker', async () => {
    const asked = discord.slash(IDS.admin, 'secret', { hook: 'hook_001' });
    const form = await callback(asked);
    expect(form.type).toBe(9); // MODAL: the first answer, nothing deferred or posted
    expect(form.data).toMatchObject({
      custom_id: 'hook-secret:hook_001', title: 'Secret of hook_001',
      components: [{ type: 18, component: { type: 4, custom_id: 'value', required: true, min_length: 8, max_length: 500 } }],
    });
    expect(discord.interactionLog(asked).calls).toEqual([]);

    const secret = 'whsec_Zm9ybS1zZWNyZXQtMDEyMzQ1Njc4OQ==';
    const submitted = await done(submitForm(discord, IDS.admin, 'hook-secret:hook_001', { value: ` ${secret} ` }));
    expect(submitted.callback).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    expect(submitted.calls[0].body.content).toBe('🔑 Secret of **hook_001** (stripe) updated; the value is not shown anywhere.');
    expect(JSON.stringify([discord.channelMessages(), discord.webhookCalls])).not.toContain(secret);
    expect((await stripeDelivery(secret)).status).toBe(202);
  });

  it('refuses a member without Manage Webhooks, and a secret of the wrong shape, changing nothing', async () => {
    const refused = await done(submitForm(discord, IDS.member, 'hook-secret:hook_001', { value: 'whsec_bWVtYmVyLXNlY3JldA==' }));
    expect(refused.callback).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    expect(refused.calls[0].body.content).toContain('Manage Webhooks');
    const wrong = await done(submitForm(discord, IDS.admin, 'hook-secret:hook_001', { value: 'not-a-stripe-secret' }));
    expect(wrong.calls[0].body.content).toContain('starts with `whsec_`');
    expect((await stripeDelivery('whsec_bWVtYmVyLXNlY3JldA==')).status).toBe(401);
  });

  it('still takes the value as a private option, answered ephemerally', async () => {
    const secret = 'whsec_b3B0aW9uLXNlY3JldC0wMTIzNDU=';
    const log = await done(discord.slash(IDS.admin, 'secret', { hook: 'hook_001', value: secret }));
    expect(log.callback).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    expect(log.calls[0].body.content).toContain('Secret of **hook_001**');
    expect((await stripeDelivery(secret)).status).toBe(202);
  });
});
