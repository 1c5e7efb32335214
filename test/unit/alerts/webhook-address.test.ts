import {
  literalAddress,
  type Network,
  parseAddress,
  parseNetwork,
  refusedAddress,
} from '../../../src/alerts/webhook-address';

const networks = (...cidrs: string[]): Network[] => cidrs.map((cidr) => parseNetwork(cidr)!);

describe('parseAddress', () => {
  it.each([
    ['0.0.0.0', 4, 0n],
    ['127.0.0.1', 4, 0x7f000001n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['::', 6, 0n],
    ['::1', 6, 1n],
    ['1::', 6, 1n << 112n],
    ['1:2:3:4:5:6:7:8', 6, 0x0001_0002_0003_0004_0005_0006_0007_0008n],
    ['fe80::1:2', 6, (0xfe80n << 112n) | 0x1_0002n],
    ['::ffff:127.0.0.1', 6, 0xffff_7f00_0001n],
    ['::ffff:7f00:1', 6, 0xffff_7f00_0001n],
    ['0:0:0:0:0:ffff:7f00:1', 6, 0xffff_7f00_0001n],
    ['1:2:3:4:5:6:1.2.3.4', 6, 0x0001_0002_0003_0004_0005_0006_0102_0304n],
    ['[::1]', 6, 1n],
    ['fe80::1%eth0', 6, (0xfe80n << 112n) | 1n],
  ])('reads %s', (text, family, value) => {
    expect(parseAddress(text)).toEqual({ family, value });
  });

  it.each(['localhost', 'example.com', '1.2.3', '256.1.1.1', '1::2::3', '', '[::1'])(
    'finds no address in %j',
    (text) => {
      expect(parseAddress(text)).toBeNull();
    },
  );
});

describe('parseNetwork', () => {
  it('reads address/bits, clearing the host bits, and a single address as the whole width', () => {
    expect(parseNetwork('10.1.2.3/8')).toEqual({ family: 4, base: 0x0a000000n, bits: 8 });
    expect(parseNetwork('192.168.1.7')).toEqual({ family: 4, base: 0xc0a80107n, bits: 32 });
    expect(parseNetwork('fd00::1/8')).toEqual({ family: 6, base: 0xfdn << 120n, bits: 8 });
    expect(parseNetwork('0.0.0.0/0')).toEqual({ family: 4, base: 0n, bits: 0 });
  });

  it.each(['10.0.0.0/33', '::/129', 'example.com/8', '10.0.0.0/', '10.0.0.0/x', 'fe80::1%eth0/64'])(
    'refuses %j',
    (text) => {
      expect(parseNetwork(text)).toBeNull();
    },
  );
});

describe('refusedAddress', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.255.255.255', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.0', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.0', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.0', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['240.0.0.1', 'special-purpose'],
    ['255.255.255.255', 'special-purpose'],
    ['192.0.0.8', 'special-purpose'],
    ['192.0.2.1', 'special-purpose'],
    ['198.18.0.1', 'special-purpose'],
    ['198.19.255.255', 'special-purpose'],
    ['198.51.100.7', 'special-purpose'],
    ['203.0.113.9', 'special-purpose'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fc00::1', 'private'],
    ['fdff:ffff::1', 'private'],
    ['fe80::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'special-purpose'],
    ['2001::1', 'special-purpose'],
    ['100::1', 'special-purpose'],
    ['::7f00:1', 'special-purpose'],
  ])('refuses %s as %s', (address, kind) => {
    expect(refusedAddress(address)).toMatch(new RegExp(`^(a|an) ${kind} address$`));
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:0101::1', 'private'],
  ])('judges the IPv4 address inside %s: %s', (address, kind) => {
    expect(refusedAddress(address)).toMatch(new RegExp(`^(a|an) ${kind} address$`));
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '9.255.255.255',
    '11.0.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '126.255.255.255',
    '128.0.0.0',
    '169.253.255.255',
    '169.255.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.167.255.255',
    '192.169.0.0',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2a00:1450:4001::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:0808:0808::1',
    'fbff:ffff::1',
    'fe00::1',
  ])('accepts the public address %s', (address) => {
    expect(refusedAddress(address)).toBeNull();
  });

  it('says why an address is refused', () => {
    expect(refusedAddress('169.254.169.254')).toBe('a link-local address');
    expect(refusedAddress('0.0.0.0')).toBe('an unspecified address');
    expect(refusedAddress('example.com')).toBe('not an IP address');
  });

  it('accepts refused addresses inside an allowed network, and only those', () => {
    const allowed = networks('127.0.0.0/8', '10.20.0.0/16', 'fd00::/8');

    expect(refusedAddress('127.0.0.1', allowed)).toBeNull();
    expect(refusedAddress('10.20.30.40', allowed)).toBeNull();
    expect(refusedAddress('fd12:3456::1', allowed)).toBeNull();
    expect(refusedAddress('10.21.0.1', allowed)).toMatch(/private/);
    expect(refusedAddress('169.254.169.254', allowed)).toMatch(/link-local/);
    expect(refusedAddress('::1', allowed)).toMatch(/loopback/);
  });

  it('accepts the IPv4-mapped form of an allowed IPv4 address, not its NAT64 or 6to4 forms', () => {
    const allowed = networks('127.0.0.1');

    expect(refusedAddress('::ffff:127.0.0.1', allowed)).toBeNull();
    expect(refusedAddress('64:ff9b::7f00:1', allowed)).toMatch(/loopback/);
    expect(refusedAddress('2002:7f00:1::', allowed)).toMatch(/loopback/);
  });

  it('accepts everything when 0.0.0.0/0 and ::/0 are allowed', () => {
    const everything = networks('0.0.0.0/0', '::/0');

    for (const address of ['127.0.0.1', '169.254.169.254', '::1', '::ffff:10.0.0.1', 'fe80::1']) {
      expect(refusedAddress(address, everything)).toBeNull();
    }
  });
});

describe('literalAddress', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['[::1]', '::1'],
    ['[::ffff:7f00:1]', '::ffff:7f00:1'],
    ['localhost', '127.0.0.1'],
    ['LOCALHOST.', '127.0.0.1'],
    ['api.localhost', '127.0.0.1'],
    ['example.com', null],
    ['localhost.example.com', null],
    ['notlocalhost', null],
  ])('reads %s as %s', (hostname, address) => {
    expect(literalAddress(hostname)).toBe(address);
  });
});
