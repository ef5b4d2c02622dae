import { loadConfig } from '../config/config.js';
import { ConfigError } from '../config/env-reader.js';
import { TrustedProxies } from './trusted-proxies.js';

const fromEnv = (value: string) => new TrustedProxies(loadConfig({ TRUST_PROXY: value }).trustedProxies);

describe('TrustedProxies with a hop count', () => {
  it('0 ignores X-Forwarded-For entirely', () => {
    expect(fromEnv('0').clientIp('203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
  });

  it('1 takes the entry the one proxy appended, never what the client wrote before it', () => {
    const proxies = fromEnv('1');
    expect(proxies.clientIp('10.0.0.2', '198.51.100.7')).toBe('198.51.100.7');
    expect(proxies.clientIp('10.0.0.2', '1.1.1.1, 2.2.2.2, 198.51.100.7')).toBe('198.51.100.7');
  });

  it('2 walks two proxies back', () => {
    expect(fromEnv('2').clientIp('10.0.0.2', 'spoofed-or-not, 198.51.100.7, 10.0.0.3')).toBe('198.51.100.7');
  });

  it('joins repeated headers and reads IPv4-mapped peers as IPv4', () => {
    expect(fromEnv('1').clientIp('::ffff:10.0.0.2', ['1.1.1.1', '198.51.100.7'])).toBe('198.51.100.7');
    expect(fromEnv('0').clientIp('::ffff:203.0.113.9')).toBe('203.0.113.9');
  });

  it('stops at a malformed entry instead of using it as an address', () => {
    expect(fromEnv('1').clientIp('10.0.0.2', 'not-an-ip')).toBe('10.0.0.2');
  });
});

describe('TrustedProxies with CIDRs', () => {
  const proxies = fromEnv('10.0.0.0/8, 2001:db8:ffff::/48, 192.0.2.10');

  it('ignores a spoofed X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(proxies.clientIp('203.0.113.9', '1.2.3.4')).toBe('203.0.113.9');
    expect(proxies.clientIp('2001:db8:1::9', '1.2.3.4')).toBe('2001:db8:1::9');
  });

  it('walks back through trusted proxies to the first untrusted hop', () => {
    expect(proxies.clientIp('10.0.0.2', '1.2.3.4, 198.51.100.7')).toBe('198.51.100.7');
    expect(proxies.clientIp('10.0.0.2', '1.2.3.4, 198.51.100.7, 192.0.2.10')).toBe('198.51.100.7');
    expect(proxies.clientIp('2001:db8:ffff:1::5', '2001:db8:1::9')).toBe('2001:db8:1::9');
    expect(proxies.clientIp('::ffff:10.1.1.1', '198.51.100.7')).toBe('198.51.100.7');
  });

  it('takes the leftmost entry when every hop is a trusted proxy', () => {
    expect(proxies.clientIp('10.0.0.2', '10.9.9.9, 10.0.0.3')).toBe('10.9.9.9');
  });

  it('answers like Fastify’s trustProxy function, hop by hop', () => {
    expect(proxies.isTrusted('10.200.0.1', 0)).toBe(true);
    expect(proxies.isTrusted('192.0.2.11', 0)).toBe(false);
    expect(proxies.isTrusted('garbage', 0)).toBe(false);
    expect(fromEnv('2').isTrusted('anything', 1)).toBe(true);
    expect(fromEnv('2').isTrusted('anything', 2)).toBe(false);
  });

  it('understands proxy-addr’s aliases', () => {
    const local = fromEnv('loopback,uniquelocal');
    expect(local.clientIp('127.0.0.1', '198.51.100.7')).toBe('198.51.100.7');
    expect(local.clientIp('::1', '198.51.100.7')).toBe('198.51.100.7');
    expect(local.clientIp('172.20.0.5', '198.51.100.7')).toBe('198.51.100.7');
  });
});

describe('TRUST_PROXY settings', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return '';
    } catch (err) {
      return (err as ConfigError).problems.join('\n');
    }
  };

  it('parses hop counts and CIDR lists', () => {
    expect(loadConfig({ TRUST_PROXY: '2' }).trustedProxies).toEqual({ hops: 2 });
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8,::1' }).trustedProxies).toEqual({ cidrs: ['10.0.0.0/8', '::1'] });
    expect(loadConfig({}).trustedProxies).toEqual({ hops: 0 });
  });

  it.each(['x', '10.0.0.0/33', '::/129', '10.0.0.0/8/1', '11'])('refuses %s', (value) => {
    expect(problems({ TRUST_PROXY: value })).toContain('TRUST_PROXY');
  });
});
