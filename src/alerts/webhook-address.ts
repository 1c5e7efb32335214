import { isIPv4, isIPv6 } from 'node:net';

// Which addresses an alert webhook may be sent to; pure, so the ranges are tested directly.
//
// A rule's webhook URL is written by ANALYST and ADMIN keys, and Pulse POSTs to it from inside
// its network: without this check a rule could reach the cloud metadata service
// (169.254.169.254), the instance itself (127.0.0.1) or any internal service. Every address a
// delivery would connect to is checked, after name resolution, against the IANA special-purpose
// registries (RFC 6890 and its updates); operators with receivers inside their network allow
// those networks explicitly (PULSE_WEBHOOK_ALLOWED_NETWORKS).

/** An IP network: `bits` leading bits of `base` (an address of `family`) are fixed. */
export interface Network {
  family: 4 | 6;
  base: bigint;
  bits: number;
}

/** Why an address is refused, shown in the delivery's `lastError`. */
export type AddressKind =
  'unspecified' | 'loopback' | 'private' | 'link-local' | 'multicast' | 'special-purpose';

const BLOCKED: ReadonlyArray<readonly [string, AddressKind]> = [
  ['0.0.0.0/8', 'unspecified'], // "this network"
  ['10.0.0.0/8', 'private'], // RFC 1918
  ['100.64.0.0/10', 'private'], // shared address space (carrier-grade NAT), RFC 6598
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'], // cloud metadata services live here
  ['172.16.0.0/12', 'private'], // RFC 1918
  ['192.0.0.0/24', 'special-purpose'], // IETF protocol assignments
  ['192.0.2.0/24', 'special-purpose'], // documentation (TEST-NET-1)
  ['192.88.99.0/24', 'special-purpose'], // 6to4 relay anycast
  ['192.168.0.0/16', 'private'], // RFC 1918
  ['198.18.0.0/15', 'special-purpose'], // benchmarking
  ['198.51.100.0/24', 'special-purpose'], // documentation (TEST-NET-2)
  ['203.0.113.0/24', 'special-purpose'], // documentation (TEST-NET-3)
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'special-purpose'], // reserved, and the broadcast address
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['::/96', 'special-purpose'], // IPv4-compatible (deprecated)
  ['64:ff9b:1::/48', 'special-purpose'], // local-use IPv4/IPv6 translation
  ['100::/64', 'special-purpose'], // discard-only
  ['2001::/23', 'special-purpose'], // IETF protocol assignments (Teredo among them)
  ['2001:db8::/32', 'special-purpose'], // documentation
  ['3fff::/20', 'special-purpose'], // documentation
  ['fc00::/7', 'private'], // unique local
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'private'], // site-local (deprecated)
  ['ff00::/8', 'multicast'],
];

const BLOCKED_NETWORKS = BLOCKED.map(([cidr, kind]) => [parseNetwork(cidr)!, kind] as const);

// IPv6 prefixes that carry an IPv4 address in their last 32 bits (or, for 6to4, bits 16–47):
// the IPv4 address is checked as well, so ::ffff:127.0.0.1 is as loopback as 127.0.0.1.
const MAPPED = parseNetwork('::ffff:0:0/96')!;
const NAT64 = parseNetwork('64:ff9b::/96')!;
const SIX_TO_FOUR = parseNetwork('2002::/16')!;

/** The address as a number and its family; null when it is not an IP address. */
export function parseAddress(text: string): { family: 4 | 6; value: bigint } | null {
  // Brackets as in URLs; a zone (fe80::1%eth0) does not change which range the address is in.
  const address = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIPv4(address)) {
    return { family: 4, value: ipv4Value(address) };
  }
  if (!isIPv6(address)) {
    return null;
  }
  // An IPv4 dotted quad in the last 32 bits (::ffff:1.2.3.4) is two groups written otherwise.
  const groups = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (quad) => {
    const value = ipv4Value(quad);

    return `${(value >> 16n).toString(16)}:${(value & 0xffffn).toString(16)}`;
  });
  const [head, rest] = groups.includes('::') ? groups.split('::') : [groups, null];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => BigInt(`0x${g}`)));
  const front = parse(head);
  const back = rest === null ? [] : parse(rest);
  const all = [...front, ...Array<bigint>(8 - front.length - back.length).fill(0n), ...back];

  return { family: 6, value: all.reduce((sum, group) => (sum << 16n) | group, 0n) };
}

/** `address/bits` or a single address; null when it is neither. */
export function parseNetwork(text: string): Network | null {
  const match = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  const address = match && parseAddress(match[1]);
  if (!match || !address || match[1].includes('%')) {
    return null;
  }
  const width = address.family === 4 ? 32 : 128;
  const bits = match[2] === undefined ? width : Number(match[2]);
  if (bits > width) {
    return null;
  }
  const shift = BigInt(width - bits);

  return { family: address.family, base: (address.value >> shift) << shift, bits };
}

/** Each of `cidrs` as a network; throws on the first that is none. */
export function parseNetworks(cidrs: readonly string[]): Network[] {
  return cidrs.map((cidr) => {
    const network = parseNetwork(cidr);
    if (!network) {
      throw new Error(`"${cidr}" is not an IP network such as 10.0.0.0/8 or fd00::/8`);
    }

    return network;
  });
}

function contains(network: Network, family: 4 | 6, value: bigint): boolean {
  const shift = BigInt((family === 4 ? 32 : 128) - network.bits);

  return network.family === family && value >> shift === network.base >> shift;
}

/**
 * Why `address` may not receive webhooks (`a loopback address`, `not an IP address`…), or null
 * when it may: a public address, or one in an `allowed` network. An IPv4 address inside IPv6 (mapped, NAT64, 6to4) is judged as itself too,
 * and an allowed IPv4 network also allows its mapped form.
 */
export function refusedAddress(address: string, allowed: readonly Network[] = []): string | null {
  const parsed = parseAddress(address);
  if (!parsed) {
    return 'not an IP address';
  }
  const forms: Array<[4 | 6, bigint]> = [[parsed.family, parsed.value]];
  if (parsed.family === 6) {
    if (contains(MAPPED, 6, parsed.value) || contains(NAT64, 6, parsed.value)) {
      forms.push([4, parsed.value & 0xffffffffn]);
    } else if (contains(SIX_TO_FOUR, 6, parsed.value)) {
      forms.push([4, (parsed.value >> 80n) & 0xffffffffn]);
    }
  }
  // The mapped form of an allowed IPv4 address is that address: allowed.
  const embedded = forms.length > 1 && contains(MAPPED, 6, parsed.value) ? forms[1] : null;
  if (
    allowed.some(
      (network) =>
        contains(network, parsed.family, parsed.value) ||
        (embedded !== null && contains(network, ...embedded)),
    )
  ) {
    return null;
  }
  for (const [family, value] of forms) {
    const blocked = BLOCKED_NETWORKS.find(([network]) => contains(network, family, value));
    if (blocked) {
      const kind = blocked[1];

      return `${kind === 'unspecified' ? 'an' : 'a'} ${kind} address`;
    }
  }

  return null;
}

/**
 * The address a webhook host name stands for without asking DNS: the IP literal itself, and
 * 127.0.0.1 for `localhost` and `*.localhost` (RFC 6761); null for any other name, which is
 * resolved, and checked, when a delivery is sent.
 */
export function literalAddress(hostname: string): string | null {
  const host = hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return '127.0.0.1';
  }

  return parseAddress(host) ? host : null;
}

function ipv4Value(address: string): bigint {
  return address.split('.').reduce((sum, octet) => (sum << 8n) | BigInt(octet), 0n);
}
