import { ipBucket, ipBuckets, networkBucket } from './ip-bucket.js';

describe('ipBucket', () => {
  it.each([
    ['10.1.2.3', '10.1.2.3'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['::FFFF:10.1.2.3', '10.1.2.3'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::1.2.3.4', '64:ff9b:0:0::/64'],
    ['1:2:3::4:5:6.7.8.9', '1:2:3:0::/64'],
  ])('%s → %s', (ip, bucket) => expect(ipBucket(ip)).toBe(bucket));
});

describe('networkBucket', () => {
  it.each([
    ['10.1.2.3', '10.1.2.0/24'],
    ['10.1.2.255', '10.1.2.0/24'],
    ['::ffff:192.168.7.9', '192.168.7.0/24'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1::/48'],
    ['2001:db8:1:ffff::1', '2001:db8:1::/48'],
    ['2001:0DB8:0001::', '2001:db8:1::/48'],
    ['2001:db8::1', '2001:db8:0::/48'],
    ['::', '0:0:0::/48'],
  ])('%s → %s', (ip, bucket) => expect(networkBucket(ip)).toBe(bucket));

  it('puts neighbouring addresses and /64s in one network bucket but separate address buckets', () => {
    const v4 = ['203.0.113.1', '203.0.113.77', '203.0.113.254'].map(ipBuckets);
    expect(new Set(v4.map((b) => b.address)).size).toBe(3);
    expect(new Set(v4.map((b) => b.network))).toEqual(new Set(['203.0.113.0/24']));
    const v6 = ['2001:db8:aa:1::1', '2001:db8:aa:2::1', '2001:db8:aa:ff00::1'].map(ipBuckets);
    expect(new Set(v6.map((b) => b.address)).size).toBe(3);
    expect(new Set(v6.map((b) => b.network))).toEqual(new Set(['2001:db8:aa::/48']));
  });

  it('keeps different networks apart', () => {
    expect(networkBucket('203.0.113.1')).not.toBe(networkBucket('203.0.114.1'));
    expect(networkBucket('2001:db8:aa::1')).not.toBe(networkBucket('2001:db8:ab::1'));
  });

  it('passes anything that is not an address through unchanged (it is its own bucket)', () => {
    expect(networkBucket('unknown')).toBe('unknown');
    expect(ipBucket('unknown')).toBe('unknown');
  });
});
