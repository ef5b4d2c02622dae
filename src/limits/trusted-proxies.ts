import { BlockList, isIP } from 'node:net';
import type { TrustProxy } from '../config/abuse-settings.js';

/**
 * Which peers may tell us the client's address in X-Forwarded-For (`TRUST_PROXY`: a hop count or CIDRs).
 * The header is read right to left, from the socket peer outwards, and only while each hop is a trusted
 * proxy: whatever a client writes into the header itself lies to the left of what its first proxy appends,
 * so it is never reached (docs/abuse.md, "Trusted proxies").
 */
export class TrustedProxies {
  private readonly cidrs: BlockList | null;

  constructor(private readonly setting: TrustProxy) {
    this.cidrs = 'cidrs' in setting ? blockList(setting.cidrs) : null;
  }

  /**
   * Whether `address`, at `hop` (0 is the socket peer, 1 the last X-Forwarded-For entry…), is a proxy we
   * trust. The same signature as Fastify's `trustProxy` function, so Fastify's `request.ip` agrees.
   */
  isTrusted(address: string, hop: number): boolean {
    if (!this.cidrs) return hop < (this.setting as { hops: number }).hops;
    const family = isIP(address.split('%')[0]);
    if (!family) return false;
    return this.cidrs.check(address.split('%')[0], family === 4 ? 'ipv4' : 'ipv6');
  }

  /** The client's address: the first hop, from the peer outwards, that is not a trusted proxy. */
  clientIp(peer: string, forwardedFor?: string | string[]): string {
    const hops = [peer, ...entries(forwardedFor).reverse()];
    let client = peer;
    for (let hop = 0; hop < hops.length - 1 && this.isTrusted(hops[hop], hop); hop++) {
      // A malformed entry cannot be an address our proxy saw: stop at the last real one.
      if (!isIP(hops[hop + 1].split('%')[0])) break;
      client = hops[hop + 1];
    }
    return client.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  }
}

function entries(header: string | string[] | undefined): string[] {
  const joined = Array.isArray(header) ? header.join(',') : (header ?? '');
  return joined
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function blockList(cidrs: string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, prefix] = cidr.split('/');
    const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}
