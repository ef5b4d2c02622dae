import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key per-IP limits count under. An IPv6 client usually holds a whole /64, so counting single addresses
 * would let one host rotate through them: IPv6 is counted per /64, IPv4 per address.
 */
export function ipBucket(ip: string): string {
  return ipBuckets(ip).address;
}

/**
 * The wider bucket above `ipBucket`: an IPv4 /24 or an IPv6 /48 (one site's allocation), so a client rotating
 * through neighbouring addresses or /64s still meets one limit (docs/abuse.md, "Network buckets").
 */
export function networkBucket(ip: string): string {
  return ipBuckets(ip).network;
}

/** Both buckets of one client address, for limits that count at each level. */
export function ipBuckets(ip: string): { address: string; network: string } {
  const groups = ipv6Groups(ip);
  if (groups) {
    return { address: `${groups.slice(0, 4).join(':')}::/64`, network: `${groups.slice(0, 3).join(':')}::/48` };
  }
  const v4 = unmapped(ip);
  return { address: v4, network: isIPv4(v4) ? `${v4.slice(0, v4.lastIndexOf('.'))}.0/24` : v4 };
}

/** `::ffff:10.1.2.3` (an IPv4 client on a dual-stack socket) is the IPv4 address. */
function unmapped(ip: string): string {
  return ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
}

/**
 * The eight 16-bit groups of an IPv6 address as lower-case hex without leading zeros, or null for IPv4
 * (mapped ones included) and anything that is not an address. A zone (`%eth0`) is dropped; an embedded
 * IPv4 tail (`64:ff9b::1.2.3.4`) counts as two groups.
 */
function ipv6Groups(ip: string): string[] | null {
  if (!ip.includes(':')) return null; // IPv4 (or not an address) without running the IPv6 parser
  const address = ip.split('%')[0];
  if (!isIPv6(address) || isIPv4(unmapped(address))) return null;
  const [head, tail] = address.split('::');
  const toGroups = (part: string | undefined) => (part ? part.split(':').flatMap(v4Tail) : []);
  const left = toGroups(head);
  const right = toGroups(tail);
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}

function v4Tail(group: string): string[] {
  if (!group.includes('.')) return [group];
  const [a, b, c, d] = group.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
