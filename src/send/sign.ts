import { createHmac, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** The schemes the sender signs with: the `--verify` schemes of hookbot's hooks (`none` sends unsigned). */
export const SEND_SCHEMES = ['github', 'gitlab', 'stripe', 'slack', 'circleci', 'standard', 'hmac', 'token', 'none'] as const;
export type SendScheme = (typeof SEND_SCHEMES)[number];

/** Schemes whose provider names the event in a header; the others carry it in the body (Stripe, Slack, Standard). */
export const EVENT_HEADER: Readonly<Partial<Record<SendScheme, string>>> = {
  github: 'X-GitHub-Event', gitlab: 'X-Gitlab-Event', circleci: 'circleci-event-type',
  hmac: 'X-Event-Type', token: 'X-Event-Type', none: 'X-Event-Type',
};

export interface SignOptions {
  /** The signing time (Stripe `t=`, `X-Slack-Request-Timestamp`, `webhook-timestamp`); now when not given. */
  nowMs?: number;
  /** The event name for schemes that send it in a header (`EVENT_HEADER`). Required for github, gitlab and circleci. */
  event?: string;
  /** The delivery's own id (`X-GitHub-Delivery`, `X-Gitlab-Event-UUID`, `webhook-id`); a fresh one when not given. */
  deliveryId?: string;
  /** Where the `token` scheme puts the secret: `Authorization: Bearer` (default) or `X-Hook-Token`. */
  tokenHeader?: 'authorization' | 'x-hook-token';
}

/** Provider-like User-Agents; hookbot does not read them, but a request should look like the real one. */
const USER_AGENT: Record<SendScheme, string> = {
  github: 'GitHub-Hookshot/hookbot-send',
  gitlab: 'GitLab/17.0.0',
  stripe: 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
  slack: 'Slackbot 1.0 (+https://api.slack.com/robots)',
  circleci: 'CircleCI-Webhook/1.0',
  standard: 'hookbot-send/1 (Standard Webhooks)',
  hmac: 'hookbot-send/1',
  token: 'hookbot-send/1',
  none: 'hookbot-send/1',
};

const hmacHex = (algorithm: 'sha1' | 'sha256', secret: string, ...parts: (string | Buffer)[]) => {
  const h = createHmac(algorithm, secret);
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

function needEvent(scheme: SendScheme, event: string | undefined): string {
  if (!event) throw new Error(`the ${scheme} scheme sends the event name in ${EVENT_HEADER[scheme]}: give an event`);
  return event;
}

/**
 * The headers a provider sends with `body`, signed with `secret` by `scheme` over the exact bytes given
 * (send these bytes unchanged). Pure apart from the clock and fresh delivery ids, which `opts` can fix.
 * - github: `X-Hub-Signature-256: sha256=<hex>` (+ the legacy `X-Hub-Signature: sha1=<hex>` GitHub still sends),
 *   `X-GitHub-Event`, `X-GitHub-Delivery` (https://docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers)
 * - gitlab: `X-Gitlab-Token` (the secret itself), `X-Gitlab-Event`, `X-Gitlab-Event-UUID`
 *   (https://docs.gitlab.com/user/project/integrations/webhooks/#delivery-headers)
 * - stripe: `Stripe-Signature: t=<unix>,v1=<hex HMAC of "<t>.<body>">` (https://docs.stripe.com/webhooks#verify-manually)
 * - slack: `X-Slack-Signature: v0=<hex HMAC of "v0:<ts>:<body>">`, `X-Slack-Request-Timestamp`
 *   (https://api.slack.com/authentication/verifying-requests-from-slack)
 * - circleci: `circleci-signature: v1=<hex HMAC of the body>`, `circleci-event-type` (https://circleci.com/docs/webhooks/)
 * - standard: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>` signed by the `standardwebhooks`
 *   library with a `whsec_…` secret (https://www.standardwebhooks.com/)
 * - hmac: `X-Signature-256: sha256=<hex HMAC of the body>`; token: `Authorization: Bearer <secret>` or `X-Hook-Token`
 * @throws Error when the scheme needs an event name and none is given, or the Standard Webhooks secret is unusable
 */
export function signRequest(scheme: SendScheme, secret: string, body: string | Buffer, opts: SignOptions = {}): Record<string, string> {
  const nowMs = opts.nowMs ?? Date.now();
  const ts = Math.floor(nowMs / 1000);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT[scheme] };
  switch (scheme) {
    case 'github':
      headers['X-GitHub-Event'] = needEvent(scheme, opts.event);
      headers['X-GitHub-Delivery'] = opts.deliveryId ?? randomUUID();
      headers['X-Hub-Signature'] = `sha1=${hmacHex('sha1', secret, body)}`;
      headers['X-Hub-Signature-256'] = `sha256=${hmacHex('sha256', secret, body)}`;
      break;
    case 'gitlab':
      headers['X-Gitlab-Event'] = needEvent(scheme, opts.event);
      headers['X-Gitlab-Event-UUID'] = opts.deliveryId ?? randomUUID();
      headers['X-Gitlab-Token'] = secret;
      break;
    case 'stripe':
      headers['Stripe-Signature'] = `t=${ts},v1=${hmacHex('sha256', secret, `${ts}.`, body)}`;
      break;
    case 'slack':
      headers['X-Slack-Request-Timestamp'] = String(ts);
      headers['X-Slack-Signature'] = `v0=${hmacHex('sha256', secret, `v0:${ts}:`, body)}`;
      break;
    case 'circleci':
      headers['circleci-event-type'] = needEvent(scheme, opts.event);
      headers['circleci-signature'] = `v1=${hmacHex('sha256', secret, body)}`;
      break;
    case 'standard': {
      const id = opts.deliveryId ?? `msg_${randomUUID().replace(/-/g, '')}`;
      headers['webhook-id'] = id;
      headers['webhook-timestamp'] = String(ts);
      // The library signs "<id>.<timestamp>.<body>" with the base64-decoded key after `whsec_`.
      headers['webhook-signature'] = new Webhook(secret).sign(id, new Date(ts * 1000), body);
      break;
    }
    case 'hmac':
      headers['X-Signature-256'] = `sha256=${hmacHex('sha256', secret, body)}`;
      break;
    case 'token':
      if (opts.tokenHeader === 'x-hook-token') headers['X-Hook-Token'] = secret;
      else headers.Authorization = `Bearer ${secret}`;
      break;
    case 'none':
      break;
  }
  if (opts.event && EVENT_HEADER[scheme] && !headers[EVENT_HEADER[scheme]!]) headers[EVENT_HEADER[scheme]!] = opts.event;
  return headers;
}
