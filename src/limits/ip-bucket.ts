import { isIPv6 } from 'node:net';

/**
 * The key per-IP limits count under. An IPv6 client usually holds a whole /64, so counting single addresses
 * would let one host rotate through them: IPv6 is counted per /64, IPv4 per address.
 */
export function ipBucket(ip: string): string {
  if (!isIPv6(ip) || ip.startsWith('::ffff:')) return ip.replace(/^::ffff:/, '');
  const [head, tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
