import { BlockList } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AddressRange, classifyAddress, parseIp } from '../../../shared/webhooks/address.ts';

describe('the address classifier', () => {
  it.each<[string, AddressRange]>([
    // IPv4, with the edges of each block
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['0.0.0.0', 'this-network'],
    ['0.255.255.255', 'this-network'],
    ['1.0.0.0', 'public'],
    ['9.255.255.255', 'public'],
    ['10.0.0.0', 'private'],
    ['10.255.255.255', 'private'],
    ['11.0.0.0', 'public'],
    ['100.63.255.255', 'public'],
    ['100.64.0.0', 'shared'],
    ['100.127.255.255', 'shared'],
    ['100.128.0.0', 'public'],
    ['126.255.255.255', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['128.0.0.0', 'public'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.0', 'link-local'],
    ['169.255.0.0', 'public'],
    ['172.15.255.255', 'public'],
    ['172.16.0.0', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.0', 'public'],
    ['192.0.0.8', 'ietf-protocol'],
    ['192.0.2.1', 'documentation'],
    ['192.0.3.0', 'public'],
    ['192.88.99.1', 'reserved'],
    ['192.167.255.255', 'public'],
    ['192.168.0.1', 'private'],
    ['192.168.255.255', 'private'],
    ['192.169.0.0', 'public'],
    ['198.17.255.255', 'public'],
    ['198.18.0.0', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['198.20.0.0', 'public'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.200', 'documentation'],
    ['223.255.255.255', 'public'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.254', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    // IPv6
    ['2606:4700:4700::1111', 'public'],
    ['2a05:d018:1::1', 'public'],
    ['2000::1', 'public'],
    ['3fff:1000::1', 'public'],
    ['::', 'unspecified'],
    ['0:0:0:0:0:0:0:0', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::2', 'reserved'],
    ['::127.0.0.1', 'reserved'], // IPv4-compatible, deprecated
    ['100::1', 'reserved'],
    ['1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved'],
    ['4000::1', 'reserved'],
    ['5f00::1', 'reserved'],
    ['2001::1', 'ietf-protocol'], // Teredo
    ['2001:2::1', 'ietf-protocol'], // benchmarking
    ['2001:1ff:ffff::1', 'ietf-protocol'],
    ['2001:200::1', 'public'],
    ['2001:db8::1', 'documentation'],
    ['2001:0DB8:ffff::', 'documentation'],
    ['2001:db9::1', 'public'],
    ['2002:7f00:1::1', 'reserved'], // 6to4 of 127.0.0.1
    ['3fff::1', 'documentation'],
    ['3fff:fff:ffff::1', 'documentation'],
    ['64:ff9b:1::a', 'private'],
    ['fc00::1', 'unique-local'],
    ['fd00:ec2::254', 'unique-local'], // the instance metadata service over IPv6
    ['fdff:ffff::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fec0::1', 'reserved'],
    ['ff02::1', 'multicast'],
    ['ff0e::1', 'multicast'],
  ])('%s is %s', (address, range) => {
    expect(classifyAddress(address).range).toBe(range);
  });

  it.each<[string, AddressRange, string]>([
    ['::ffff:127.0.0.1', 'loopback', '127.0.0.1'],
    ['::ffff:7f00:1', 'loopback', '127.0.0.1'],
    ['::FFFF:169.254.169.254', 'link-local', '169.254.169.254'],
    ['::ffff:a9fe:a9fe', 'link-local', '169.254.169.254'],
    ['0:0:0:0:0:ffff:10.0.0.1', 'private', '10.0.0.1'],
    ['0000:0000:0000:0000:0000:ffff:c0a8:0101', 'private', '192.168.1.1'],
    ['::ffff:0.0.0.0', 'this-network', '0.0.0.0'],
    ['::ffff:8.8.8.8', 'public', '8.8.8.8'],
    ['64:ff9b::127.0.0.1', 'loopback', '127.0.0.1'],
    ['64:ff9b::a9fe:a9fe', 'link-local', '169.254.169.254'],
    ['64:ff9b::100.64.0.1', 'shared', '100.64.0.1'],
    ['64:ff9b::808:808', 'public', '8.8.8.8'],
  ])('%s carries an IPv4 address and is classified by it: %s', (address, range, embedded) => {
    expect(classifyAddress(address)).toEqual({ range, family: 6, embedded });
  });

  it.each([
    '',
    'localhost',
    'example.com',
    '127.1',
    '0177.0.0.1',
    '0x7f.0.0.1',
    '2130706433',
    '256.0.0.1',
    '1.2.3.4.5',
    ' 1.2.3.4',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    ':1::',
    '1:2:3:4:5:6:7::8',
    '12345::1',
    '::ffff:1.2.3',
    '::ffff:1.2.3.256',
    '[::1]',
  ])('%j is not an address', (text) => {
    expect(classifyAddress(text)).toEqual({ range: 'invalid', family: null });
  });

  it('an IPv4-mapped address is in the range of the IPv4 address it carries, in either spelling', () => {
    fc.assert(
      fc.property(fc.ipV4(), (v4) => {
        const n = parseIp(v4)?.value ?? -1n;
        const hex = `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
        const { range } = classifyAddress(v4);
        expect(classifyAddress(`::ffff:${v4}`).range).toBe(range);
        expect(classifyAddress(`::ffff:${hex}`).range).toBe(range);
        expect(classifyAddress(`64:ff9b::${hex}`).range).toBe(range);
      }),
    );
  });

  it('reads every IPv6 spelling as the URL parser does (which rewrites it to its canonical form)', () => {
    fc.assert(
      fc.property(fc.ipV6(), (v6) => {
        const canonical = new URL(`http://[${v6}]/`).hostname.slice(1, -1);
        expect(parseIp(v6)).toEqual(parseIp(canonical));
        expect(parseIp(v6)?.family).toBe(6);
      }),
    );
  });

  it('calls public exactly the IPv4 addresses outside the refused blocks, as Node’s own BlockList sees them', () => {
    const refused = new BlockList();
    for (const [net, bits] of [
      ['0.0.0.0', 8],
      ['10.0.0.0', 8],
      ['100.64.0.0', 10],
      ['127.0.0.0', 8],
      ['169.254.0.0', 16],
      ['172.16.0.0', 12],
      ['192.0.0.0', 24],
      ['192.0.2.0', 24],
      ['192.88.99.0', 24],
      ['192.168.0.0', 16],
      ['198.18.0.0', 15],
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
      ['224.0.0.0', 4],
      ['240.0.0.0', 4],
    ] as const) {
      refused.addSubnet(net, bits, 'ipv4');
    }
    // Addresses near the blocks' edges as often as anywhere else.
    const edges = [0, 10, 100, 127, 169, 172, 192, 198, 203, 223, 224, 239, 240, 255];
    const octet = fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(...edges, 63, 64, 127, 128, 15, 16, 31, 32),
    );
    const v4 = fc.oneof(
      fc.ipV4(),
      fc.tuple(fc.constantFrom(...edges), octet, octet, octet).map((p) => p.join('.')),
    );
    fc.assert(
      fc.property(v4, (address) => {
        expect(classifyAddress(address).range === 'public').toBe(!refused.check(address, 'ipv4'));
      }),
      { numRuns: 2000 },
    );
  });
});
