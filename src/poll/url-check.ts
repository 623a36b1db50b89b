import { urlRefusal, type UrlPolicy } from '../forward/url-policy.js';

/**
 * Why a URL may not be polled, or null: the same rules as forward targets (http(s) only, no user:password, every
 * address its host resolves to allowed: link-local and cloud metadata addresses refused unless allowed, private
 * networks as FORWARD_PRIVATE_ADDRESSES says). Checked when a poll is set up and before each request (DNS can change).
 */
export function pollUrlRefusal(raw: string, policy: UrlPolicy): Promise<string | null> {
  return urlRefusal(raw, policy, {
    notUrl: (r) => `"${r}" is not a URL`,
    scheme: (p) => `only http:// and https:// URLs can be polled, not ${p}`,
    credentials: 'URLs with user:password@ cannot be polled',
    address: (problem) => problem.replace('FORWARD_PRIVATE_ADDRESSES=deny', 'FORWARD_PRIVATE_ADDRESSES=deny applies to polls too'),
  });
}
