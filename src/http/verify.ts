import { timingSafeEqual } from 'node:crypto';
import { verify as verifyGithubSignature } from '@octokit/webhooks-methods';
import type { Hook } from '../store/store.js';

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
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

/**
 * Checks a delivery's signature over the raw bytes received, by the hook's scheme.
 * @returns null when valid, else why it is not (for the 401 answer; never includes the secret)
 */
export async function verifyDelivery(hook: Pick<Hook, 'verify' | 'secret'>, raw: Buffer, headers: Headers): Promise<string | null> {
  switch (hook.verify) {
    case 'github': {
      // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
      const sig = header(headers, 'x-hub-signature-256');
      if (!sig) return 'missing X-Hub-Signature-256 header';
      if (!/^sha256=[0-9a-f]{64}$/i.test(sig)) return 'malformed X-Hub-Signature-256 header';
      return (await verifyGithubSignature(hook.secret, raw.toString('utf8'), sig)) ? null : 'signature does not match';
    }
    case 'token': {
      const auth = header(headers, 'authorization');
      const token = header(headers, 'x-hook-token') ?? (auth?.startsWith('Bearer ') ? auth.slice(7) : undefined);
      if (!token) return 'missing X-Hook-Token or Authorization: Bearer header';
      return safeEqual(token, hook.secret) ? null : 'token does not match';
    }
    case 'none':
      return null;
    default:
      return `verification scheme ${hook.verify} is not supported`;
  }
}
