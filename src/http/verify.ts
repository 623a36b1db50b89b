import { createHmac, timingSafeEqual } from 'node:crypto';
import { verify as verifyGithubSignature } from '@octokit/webhooks-methods';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { detectCiPlatform } from '../../parsers/ci-platform.js';
import type { Hook } from '../store/store.js';
import type { CiPlatform, VerifyScheme } from '../types.js';

type Headers = Record<string, string | string[] | undefined>;

/** Signature schemes a hook can require (the contract's `--verify` values). */
export const SCHEMES = ['github', 'gitlab', 'stripe', 'slack', 'circleci', 'standard', 'hmac', 'token', 'none'] as const satisfies readonly VerifyScheme[];
export type Scheme = (typeof SCHEMES)[number];

/** `ci` hooks pick one of these by the sender: GitLab, GitHub, CircleCI, else Jenkins/scripts (token). */
const CI_SCHEME = { gitlab: 'gitlab', github: 'github', circleci: 'circleci', jenkins: 'token' } as const satisfies Record<CiPlatform, Scheme>;
export type CiScheme = (typeof CI_SCHEME)[CiPlatform];

/** Providers sign with timestamps; older or newer than this is refused (replay protection). */
export const TOLERANCE_S = 5 * 60;

export function header(headers: Headers, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Constant-time string comparison that does not leak the length through an early return's timing. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/** Which scheme a `ci` delivery is signed with, from the sender's own headers (never from the unverified body). */
export function ciSchemeOf(headers: Headers): CiScheme {
  return CI_SCHEME[detectCiPlatform({ headers: (name) => header(headers, name) }).platform];
}

const hmacHex = (secret: string, data: Buffer | string) => createHmac('sha256', secret).update(data).digest('hex');

function stale(ts: number, nowMs: number): boolean {
  return !Number.isFinite(ts) || Math.abs(nowMs / 1000 - ts) > TOLERANCE_S;
}

/**
 * Checks a delivery's signature over the raw bytes received, by the hook's scheme.
 * @returns null when valid, else why it is not (for the 401 answer; never includes the secret)
 */
export async function verifyDelivery(
  hook: Pick<Hook, 'verify' | 'secret'>, raw: Buffer, headers: Headers, nowMs: number = Date.now(), queryToken?: string,
): Promise<string | null> {
  const secret = hook.secret;
  if (hook.verify === 'ci') {
    const scheme = ciSchemeOf(headers);
    // The Jenkins Notification plugin cannot send headers: its token may come in the URL (`?token=`).
    if (scheme === 'token' && queryToken !== undefined && !header(headers, 'x-hook-token') && !header(headers, 'authorization')) {
      return safeEqual(queryToken, secret) ? null : 'token does not match';
    }
    return verifyDelivery({ verify: scheme, secret }, raw, headers, nowMs);
  }
  switch (hook.verify) {
    case 'github': {
      // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
      const sig = header(headers, 'x-hub-signature-256');
      if (!sig) return 'missing X-Hub-Signature-256 header';
      if (!/^sha256=[0-9a-f]{64}$/i.test(sig)) return 'malformed X-Hub-Signature-256 header';
      return (await verifyGithubSignature(secret, raw.toString('utf8'), sig)) ? null : 'signature does not match';
    }
    case 'gitlab': {
      // https://docs.gitlab.com/user/project/integrations/webhooks/#validate-requests-with-a-secret-token
      const token = header(headers, 'x-gitlab-token');
      if (!token) return 'missing X-Gitlab-Token header';
      return safeEqual(token, secret) ? null : 'X-Gitlab-Token does not match';
    }
    case 'stripe': {
      // https://docs.stripe.com/webhooks#verify-manually: t=<ts>,v1=<hex>[,v1=…], HMAC of "<t>.<body>"
      const sig = header(headers, 'stripe-signature');
      if (!sig) return 'missing Stripe-Signature header';
      const parts = sig.split(',').map((p) => p.trim().split('='));
      const t = Number(parts.find(([k]) => k === 't')?.[1]);
      const v1 = parts.filter(([k]) => k === 'v1').map(([, v]) => v ?? '');
      if (!Number.isFinite(t) || v1.length === 0) return 'malformed Stripe-Signature header';
      if (stale(t, nowMs)) return 'Stripe-Signature timestamp outside the 5-minute tolerance';
      const expected = hmacHex(secret, Buffer.concat([Buffer.from(`${t}.`), raw]));
      return v1.some((v) => safeEqual(v, expected)) ? null : 'signature does not match';
    }
    case 'slack': {
      // https://api.slack.com/authentication/verifying-requests-from-slack: v0=HMAC("v0:<ts>:<body>")
      const sig = header(headers, 'x-slack-signature');
      const ts = header(headers, 'x-slack-request-timestamp');
      if (!sig || !ts) return 'missing X-Slack-Signature or X-Slack-Request-Timestamp header';
      if (stale(Number(ts), nowMs)) return 'X-Slack-Request-Timestamp outside the 5-minute tolerance';
      const expected = `v0=${hmacHex(secret, Buffer.concat([Buffer.from(`v0:${ts}:`), raw]))}`;
      return safeEqual(sig, expected) ? null : 'signature does not match';
    }
    case 'circleci': {
      // https://circleci.com/docs/webhooks/#validate-webhooks: circleci-signature: v1=<hex>[,v1=…]
      const sig = header(headers, 'circleci-signature');
      if (!sig) return 'missing circleci-signature header';
      const expected = hmacHex(secret, raw);
      const v1 = sig.split(',').map((p) => p.trim()).filter((p) => p.startsWith('v1=')).map((p) => p.slice(3));
      if (v1.length === 0) return 'malformed circleci-signature header';
      return v1.some((v) => safeEqual(v, expected)) ? null : 'signature does not match';
    }
    case 'standard': {
      // https://www.standardwebhooks.com/ (Svix sends the same under svix-*); several signatures = key rotation.
      const id = header(headers, 'webhook-id') ?? header(headers, 'svix-id');
      const ts = header(headers, 'webhook-timestamp') ?? header(headers, 'svix-timestamp');
      const sig = header(headers, 'webhook-signature') ?? header(headers, 'svix-signature');
      if (!id || !ts || !sig) return 'missing webhook-id, webhook-timestamp or webhook-signature header';
      if (stale(Number(ts), nowMs)) return 'webhook-timestamp outside the 5-minute tolerance';
      try {
        new Webhook(secret).verify(raw.toString('utf8'), { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': sig });
        return null;
      } catch (err) {
        return err instanceof WebhookVerificationError ? 'signature does not match' : `cannot verify: ${(err as Error).message}`;
      }
    }
    case 'hmac': {
      const sig = header(headers, 'x-signature-256');
      if (!sig) return 'missing X-Signature-256 header';
      if (!/^sha256=[0-9a-f]{64}$/i.test(sig)) return 'malformed X-Signature-256 header (want sha256=<hex>)';
      return safeEqual(sig.toLowerCase(), `sha256=${hmacHex(secret, raw)}`) ? null : 'signature does not match';
    }
    case 'token': {
      const auth = header(headers, 'authorization');
      const token = header(headers, 'x-hook-token') ?? (auth?.startsWith('Bearer ') ? auth.slice(7) : undefined);
      if (!token) return 'missing X-Hook-Token or Authorization: Bearer header';
      return safeEqual(token, secret) ? null : 'token does not match';
    }
    case 'none':
      return null;
    default:
      return `verification scheme ${hook.verify} is not supported`;
  }
}
