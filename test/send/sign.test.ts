import { createHmac } from 'node:crypto';
import { verify as verifyGithub } from '@octokit/webhooks-methods';
import { isValidSlackRequest, verifySlackRequest } from '@slack/bolt';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { verifyDelivery } from '../../src/http/verify.js';
import { SAMPLES } from '../../src/send/samples.js';
import { SEND_SCHEMES, signRequest, type SendScheme } from '../../src/send/sign.js';

const stripe = new Stripe('sk_test_123');
const STD_SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const body = (name: string) => {
  const s = SAMPLES[name];
  return JSON.stringify(s.build(Date.now()), null, s.pretty ? 2 : undefined);
};
/** Header lookup as a server sees it (names are case-insensitive). */
const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

describe('signRequest: each provider\'s own verifier accepts what the sender signs', () => {
  it('github: @octokit/webhooks-methods verifies X-Hub-Signature-256; event and delivery headers are set', async () => {
    const raw = body('github-push');
    const h = signRequest('github', 'gh-secret', raw, { event: 'push' });
    expect(await verifyGithub('gh-secret', raw, h['X-Hub-Signature-256'])).toBe(true);
    expect(await verifyGithub('another-secret', raw, h['X-Hub-Signature-256'])).toBe(false);
    expect(await verifyGithub('gh-secret', `${raw} `, h['X-Hub-Signature-256'])).toBe(false);
    // GitHub still sends the SHA-1 signature too (https://docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers).
    expect(h['X-Hub-Signature']).toBe(`sha1=${createHmac('sha1', 'gh-secret').update(raw).digest('hex')}`);
    expect(h['X-GitHub-Event']).toBe('push');
    expect(h['X-GitHub-Delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(h['Content-Type']).toBe('application/json');
  });

  it('stripe: the Stripe SDK\'s constructEvent accepts Stripe-Signature, and refuses a changed body or another secret', () => {
    const raw = body('stripe-payment-succeeded');
    const h = signRequest('stripe', 'whsec_stripe_test', raw);
    expect(h['Stripe-Signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const event = stripe.webhooks.constructEvent(raw, h['Stripe-Signature'], 'whsec_stripe_test');
    expect(event.type).toBe('payment_intent.succeeded');
    expect(event.id).toMatch(/^evt_/);
    expect(() => stripe.webhooks.constructEvent(raw.replace('4999', '1'), h['Stripe-Signature'], 'whsec_stripe_test')).toThrow(/signature/i);
    expect(() => stripe.webhooks.constructEvent(raw, h['Stripe-Signature'], 'whsec_other')).toThrow(/signature/i);
  });

  it('stripe: a signature made 10 minutes ago is outside the SDK\'s default tolerance', () => {
    const raw = body('stripe-payment-succeeded');
    const h = signRequest('stripe', 'whsec_stripe_test', raw, { nowMs: Date.now() - 600_000 });
    expect(() => stripe.webhooks.constructEvent(raw, h['Stripe-Signature'], 'whsec_stripe_test')).toThrow(/tolerance/i);
  });

  it('standard: standardwebhooks Webhook.verify accepts webhook-id/-timestamp/-signature; the HMAC is the spec\'s', () => {
    const raw = body('standard-event');
    const h = signRequest('standard', STD_SECRET, raw);
    expect(new Webhook(STD_SECRET).verify(raw, h)).toMatchObject({ type: 'invoice.paid' });
    expect(() => new Webhook(`whsec_${Buffer.from('another-key-another-key-another!').toString('base64')}`).verify(raw, h)).toThrow();
    // By hand, from the spec: base64 HMAC-SHA256 of "<id>.<timestamp>.<body>" under the key after whsec_.
    const key = Buffer.from(STD_SECRET.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`${h['webhook-id']}.${h['webhook-timestamp']}.${raw}`).digest('base64');
    expect(h['webhook-signature']).toBe(`v1,${expected}`);
    expect(h['webhook-id']).toMatch(/^msg_/);
  });

  it('slack: @slack/bolt verifySlackRequest accepts X-Slack-Signature + X-Slack-Request-Timestamp', () => {
    const raw = body('slack-app-mention');
    const h = signRequest('slack', 'slack-signing-secret', raw);
    const headers = { 'x-slack-signature': h['X-Slack-Signature'], 'x-slack-request-timestamp': Number(h['X-Slack-Request-Timestamp']) };
    expect(() => verifySlackRequest({ signingSecret: 'slack-signing-secret', body: raw, headers })).not.toThrow();
    expect(isValidSlackRequest({ signingSecret: 'another-secret', body: raw, headers })).toBe(false);
    expect(isValidSlackRequest({ signingSecret: 'slack-signing-secret', body: `${raw}\n`, headers })).toBe(false);
  });

  it('circleci: circleci-signature is v1=<hex HMAC-SHA256 of the body> (reference check from CircleCI\'s docs; no official library)', () => {
    const raw = body('circleci-workflow-completed');
    const h = signRequest('circleci', 'circle-secret', raw, { event: 'workflow-completed' });
    // https://circleci.com/docs/webhooks/#validate-webhooks: HMAC-SHA256 of the body with the secret, hex, after "v1=".
    const v1 = h['circleci-signature'].split(',').find((p) => p.startsWith('v1='))!.slice(3);
    expect(v1).toBe(createHmac('sha256', 'circle-secret').update(raw).digest('hex'));
    expect(h['circleci-event-type']).toBe('workflow-completed');
  });

  it('gitlab: X-Gitlab-Token carries the secret token; X-Gitlab-Event and a fresh X-Gitlab-Event-UUID', () => {
    const h = signRequest('gitlab', 'gl-token', body('gitlab-pipeline'), { event: 'Pipeline Hook' });
    expect(h).toMatchObject({ 'X-Gitlab-Token': 'gl-token', 'X-Gitlab-Event': 'Pipeline Hook' });
    const again = signRequest('gitlab', 'gl-token', body('gitlab-pipeline'), { event: 'Pipeline Hook' });
    expect(again['X-Gitlab-Event-UUID']).not.toBe(h['X-Gitlab-Event-UUID']);
  });

  it('hmac and token: X-Signature-256 over the raw bytes; Bearer by default, X-Hook-Token when asked', () => {
    const raw = Buffer.from('{"event":"deploy","status":"ok"}');
    expect(signRequest('hmac', 's3', raw)['X-Signature-256']).toBe(`sha256=${createHmac('sha256', 's3').update(raw).digest('hex')}`);
    expect(signRequest('token', 't0k', raw).Authorization).toBe('Bearer t0k');
    const x = signRequest('token', 't0k', raw, { tokenHeader: 'x-hook-token', event: 'deploy' });
    expect(x).toMatchObject({ 'X-Hook-Token': 't0k', 'X-Event-Type': 'deploy' });
    expect(x.Authorization).toBeUndefined();
    expect(Object.keys(signRequest('none', '', raw)).sort()).toEqual(['Content-Type', 'User-Agent']);
  });

  it('refuses to sign without the event name where the provider sends one in a header', () => {
    for (const s of ['github', 'gitlab', 'circleci'] as const) expect(() => signRequest(s, 'x', '{}')).toThrow(/event/);
  });

  it('hookbot\'s own verifier accepts every scheme the sender signs, and refuses the same request under another secret', async () => {
    const secrets: Record<SendScheme, string> = {
      github: 'a', gitlab: 'b', stripe: 'whsec_c', slack: 'd', circleci: 'e', standard: STD_SECRET, hmac: 'f', token: 'g', none: '',
    };
    for (const scheme of SEND_SCHEMES) {
      const raw = Buffer.from(JSON.stringify({ type: 'workflow-completed', hello: scheme }));
      const h = lower(signRequest(scheme, secrets[scheme], raw, { event: 'workflow-completed' }));
      expect(await verifyDelivery({ verify: scheme, secret: secrets[scheme] }, raw, h), scheme).toBeNull();
      if (scheme === 'none') continue;
      const other = scheme === 'standard' ? `whsec_${Buffer.from('x'.repeat(32)).toString('base64')}` : 'not-the-secret';
      expect(await verifyDelivery({ verify: scheme, secret: other }, raw, h), scheme).not.toBeNull();
    }
  });
});
