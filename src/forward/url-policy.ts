import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export interface UrlPolicy {
  privateAddresses: 'allow' | 'deny';
  allowLinkLocal: boolean;
}

/** The policy when none is configured: private networks allowed, link-local and metadata addresses refused. */
export const DEFAULT_URL_POLICY: Readonly<UrlPolicy> = Object.freeze({ privateAddresses: 'allow', allowLinkLocal: false });

/** Link-local and cloud metadata endpoints: the classic SSRF targets (169.254.169.254 and friends). */
const linkLocal = new BlockList();
linkLocal.addSubnet('169.254.0.0', 16, 'ipv4');
linkLocal.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud metadata
linkLocal.addSubnet('fe80::', 10, 'ipv6');
linkLocal.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6

const privateNets = new BlockList();
privateNets.addSubnet('10.0.0.0', 8, 'ipv4');
privateNets.addSubnet('172.16.0.0', 12, 'ipv4');
privateNets.addSubnet('192.168.0.0', 16, 'ipv4');
privateNets.addSubnet('127.0.0.0', 8, 'ipv4');
privateNets.addSubnet('100.64.0.0', 10, 'ipv4');
privateNets.addSubnet('0.0.0.0', 8, 'ipv4');
privateNets.addAddress('::1', 'ipv6');
privateNets.addSubnet('fc00::', 7, 'ipv6');

/** Why an address may not be a forward target, or null. Pure. */
export function addressProblem(address: string, policy: UrlPolicy): string | null {
  const family: 'ipv4' | 'ipv6' = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const [addr, fam]: [string, 'ipv4' | 'ipv6'] = mapped ? [mapped, 'ipv4'] : [address, family];
  if (!policy.allowLinkLocal && linkLocal.check(addr, fam)) return `${address} is a link-local/metadata address`;
  if (policy.privateAddresses === 'deny' && privateNets.check(addr, fam)) return `${address} is a private address (FORWARD_PRIVATE_ADDRESSES=deny)`;
  return null;
}

/** How a refusal is worded for one use of user-typed URLs (forward targets, polled sources). */
export interface UrlWording {
  notUrl(raw: string): string;
  scheme(protocol: string): string;
  credentials: string;
  /** Rewords an address problem, e.g. to say which setting applies. */
  address?(problem: string): string;
}

/**
 * Why a URL a user typed may not be requested, or null: http(s) only, no user:password, and every address its host
 * resolves to allowed by the policy. Checked when it is set up and again before each request (DNS can change).
 */
export async function urlRefusal(raw: string, policy: UrlPolicy, words: UrlWording): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return words.notUrl(raw);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return words.scheme(url.protocol);
  if (url.username || url.password) return words.credentials;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch (err) {
    return `cannot resolve ${host}: ${(err as Error).message}`;
  }
  for (const a of addresses) {
    const problem = addressProblem(a, policy);
    if (problem) return words.address ? words.address(problem) : problem;
  }
  return null;
}

/** A forward target's refusal, or null. */
export function checkForwardUrl(raw: string, policy: UrlPolicy): Promise<string | null> {
  return urlRefusal(raw, policy, {
    notUrl: (r) => `\`${r}\` is not a URL`,
    scheme: (p) => `only http:// and https:// URLs can be forward targets, not ${p}`,
    credentials: 'URLs with user:password@ are not supported as forward targets',
  });
}
