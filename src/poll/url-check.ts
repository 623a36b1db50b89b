import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { addressProblem, type UrlPolicy } from '../forward/url-policy.js';

/**
 * Why a URL may not be polled, or null: http(s) only, no user:password, and every address its host resolves to
 * allowed by the same policy as forwards (link-local and cloud metadata addresses refused unless allowed; private
 * networks as FORWARD_PRIVATE_ADDRESSES says). Checked when a poll is set up and before each request (DNS can change).
 */
export async function pollUrlRefusal(raw: string, policy: UrlPolicy): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `"${raw}" is not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `only http:// and https:// URLs can be polled, not ${url.protocol}`;
  if (url.username || url.password) return 'URLs with user:password@ cannot be polled';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch (err) {
    return `cannot resolve ${host}: ${(err as Error).message}`;
  }
  for (const a of addresses) {
    const problem = addressProblem(a, policy);
    if (problem) return problem.replace('FORWARD_PRIVATE_ADDRESSES=deny', 'FORWARD_PRIVATE_ADDRESSES=deny applies to polls too');
  }
  return null;
}
