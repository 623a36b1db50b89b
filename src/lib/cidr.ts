import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * IP allowlists: `10.0.0.0/8`, `2001:db8::/32`, or one address (`3.18.12.63`). Matching uses node's BlockList;
 * an IPv4 address seen through an IPv6 socket (`::ffff:10.1.2.3`) counts as the IPv4 address it is.
 */

/** What is wrong with one allowlist entry, or null. */
export function cidrProblem(entry: string): string | null {
  const [address, prefix, ...rest] = entry.trim().split('/');
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : 0;
  if (!family || rest.length) return `"${entry}" is not an address or range: write one like 10.0.0.0/8, 3.18.12.63 or 2001:db8::/32`;
  if (prefix === undefined) return null;
  const bits = Number(prefix);
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || bits > max) return `"${entry}": the prefix after / is 0 to ${max} for an IPv${family} range`;
  return null;
}

/** `::ffff:10.1.2.3` → `10.1.2.3`; other addresses as they are. */
export function plainAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1] : address;
}

const lists = new WeakMap<readonly string[], BlockList>();

/** Whether `address` is in one of the ranges (entries are checked when a hook is saved; a bad one matches nothing). */
export function inAllowlist(entries: readonly string[], address: string | undefined): boolean {
  if (!address) return false;
  let list = lists.get(entries);
  if (!list) {
    list = new BlockList();
    for (const entry of entries) {
      if (cidrProblem(entry)) continue;
      const [net, prefix] = entry.trim().split('/');
      const type = isIPv4(net) ? 'ipv4' : 'ipv6';
      if (prefix === undefined) list.addAddress(net, type);
      else list.addSubnet(net, Number(prefix), type);
    }
    lists.set(entries, list);
  }
  const plain = plainAddress(address);
  if (isIPv4(plain)) return list.check(plain, 'ipv4');
  return isIPv6(plain) && list.check(plain, 'ipv6');
}
