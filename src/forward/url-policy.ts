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

/**
 * Checks a URL a user typed as a forward target: http(s) only, and every address its host resolves to allowed
 * by the policy. Checked when the forward is set up and again before each send (DNS can change).
 */
export async function checkForwardUrl(raw: string, policy: UrlPolicy): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `\`${raw}\` is not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `only http:// and https:// URLs can be forward targets, not ${url.protocol}`;
  if (url.username || url.password) return 'URLs with user:password@ are not supported as forward targets';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch (err) {
    return `cannot resolve ${host}: ${(err as Error).message}`;
  }
  for (const a of addresses) {
    const problem = addressProblem(a, policy);
    if (problem) return problem;
  }
  return null;
}
