/**
 * Which range an IP address is in, for the SSRF checks of outbound webhooks: only `public` addresses may be called
 * (and `loopback` in local mode). Ranges from the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and
 * later), multicast and the reserved class E. Conservative where the registry is mixed: every block that holds any
 * non-global assignment is refused whole (192.0.0.0/24, 2001::/23), since no webhook receiver lives there.
 *
 * IPv6 is an allow list: only global unicast 2000::/3 can be public; everything else is reserved unless listed. The
 * forms that carry an IPv4 address (IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96) are classified by that address,
 * so ::ffff:169.254.169.254 (the instance metadata service) is link-local, not public.
 */

export type AddressRange =
  | 'public'
  | 'unspecified'
  | 'this-network'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'unique-local'
  | 'multicast'
  | 'broadcast'
  | 'benchmarking'
  | 'documentation'
  | 'ietf-protocol'
  | 'reserved'
  | 'invalid';

export interface AddressClass {
  range: AddressRange;
  family: 4 | 6 | null;
  /** The IPv4 address carried by an IPv4-mapped or NAT64 IPv6 address, which decided the range. */
  embedded?: string;
}

interface Block {
  base: bigint;
  bits: number;
  range: AddressRange;
}

const V4_BLOCKS: readonly (readonly [string, number, AddressRange])[] = [
  ['255.255.255.255', 32, 'broadcast'],
  ['0.0.0.0', 8, 'this-network'], // 0.0.0.0 itself: "this host", which connects to the local machine
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // AWS: 169.254.169.254 instance metadata, .123 time sync, .253 DNS
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'ietf-protocol'],
  ['192.0.2.0', 24, 'documentation'], // TEST-NET-1
  ['192.88.99.0', 24, 'reserved'], // 6to4 relay anycast, deprecated (RFC 7526)
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'], // TEST-NET-2
  ['203.0.113.0', 24, 'documentation'], // TEST-NET-3
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // class E
];

const V6_BLOCKS: readonly (readonly [string, number, AddressRange])[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['64:ff9b:1::', 48, 'private'], // local-use NAT64 (RFC 8215)
  ['100::', 64, 'reserved'], // discard-only
  ['2001:db8::', 32, 'documentation'],
  ['2001::', 23, 'ietf-protocol'], // Teredo, benchmarking 2001:2::/48, ORCHID, ...
  ['2002::', 16, 'reserved'], // 6to4, deprecated (RFC 7526): reaches the IPv4 address it embeds through a relay
  ['3fff::', 20, 'documentation'], // RFC 9637
  ['fc00::', 7, 'unique-local'], // AWS: fd00:ec2::254 instance metadata, fd00:ec2::123 time sync
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'reserved'], // site-local, deprecated
  ['ff00::', 8, 'multicast'],
];

const V4_PART = /^(0|[1-9][0-9]{0,2})$/;

/** Strict dotted-quad decimal (no octal, hex or shortened forms: those are not what a resolver returns). */
function parseV4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let n = 0n;
  for (const p of parts) {
    if (!V4_PART.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    n = (n << 8n) | BigInt(v);
  }
  return n;
}

const V6_GROUP = /^[0-9a-f]{1,4}$/i;

/** RFC 4291 text forms: `::` once, an IPv4 tail, a zone (`%eth0`, dropped: it does not change the range). */
function parseV6(input: string): bigint | null {
  const zone = input.indexOf('%');
  let text = zone >= 0 ? input.slice(0, zone) : input;
  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0) return null;
  let tail: bigint[] = [];
  if (text.slice(lastColon + 1).includes('.')) {
    // An IPv4 tail (`::ffff:1.2.3.4`) is the last two groups.
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = [v4 >> 16n, v4 & 0xffffn];
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const head = groupsOf(halves[0] ?? '');
  const rest = halves.length === 2 ? groupsOf(halves[1] ?? '') : null;
  const groups = [...head, ...(rest ?? [])];
  if (!groups.every((g) => V6_GROUP.test(g))) return null;
  const needed = 8 - tail.length;
  let filled: string[];
  if (rest === null) {
    if (groups.length !== needed) return null;
    filled = groups;
  } else {
    // `::` stands for one or more groups of zeros.
    if (groups.length > needed - 1) return null;
    filled = [...head, ...Array<string>(needed - groups.length).fill('0'), ...rest];
  }
  return [...filled.map((g) => BigInt(Number.parseInt(g, 16))), ...tail].reduce((n, g) => (n << 16n) | g, 0n);
}

function block(text: string, bits: number, range: AddressRange, parse: (s: string) => bigint | null, width: number) {
  const base = parse(text);
  if (base === null) throw new Error(`bad block ${text}`);
  return { base: base >> BigInt(width - bits), bits, range } satisfies Block;
}

const V4 = V4_BLOCKS.map(([t, b, r]) => block(t, b, r, parseV4, 32));
const V6 = V6_BLOCKS.map(([t, b, r]) => block(t, b, r, parseV6, 128));

function find(blocks: readonly Block[], n: bigint, width: number): AddressRange | null {
  for (const b of blocks) if (n >> BigInt(width - b.bits) === b.base) return b.range;
  return null;
}

const v4Text = (n: bigint): string => [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');

const MAPPED = 0xffffn << 32n; // ::ffff:0:0/96
const NAT64 = 0x64ff9bn << 96n; // 64:ff9b::/96
const LOW_32 = 0xffffffffn;

/** An IP address in text form as its number (IPv4: 32 bits, IPv6: 128 bits), or null if it is not one. */
export function parseIp(address: string): { family: 4 | 6; value: bigint } | null {
  const v4 = parseV4(address);
  if (v4 !== null) return { family: 4, value: v4 };
  const v6 = parseV6(address);
  return v6 === null ? null : { family: 6, value: v6 };
}

/** The range of an IP address in text form (IPv4 dotted quad or any IPv6 form); `invalid` if it is neither. */
export function classifyAddress(address: string): AddressClass {
  const ip = parseIp(address);
  if (ip === null) return { range: 'invalid', family: null };
  if (ip.family === 4) return { range: find(V4, ip.value, 32) ?? 'public', family: 4 };
  const v6 = ip.value;
  const prefix96 = v6 >> 32n;
  if (prefix96 === MAPPED >> 32n || prefix96 === NAT64 >> 32n) {
    const embedded = v4Text(v6 & LOW_32);
    return { range: find(V4, v6 & LOW_32, 32) ?? 'public', family: 6, embedded };
  }
  const listed = find(V6, v6, 128);
  if (listed) return { range: listed, family: 6 };
  // Only global unicast (2000::/3) is allocated for public use; the rest of the space is reserved by the IETF.
  if (v6 >> 125n !== 1n) return { range: 'reserved', family: 6 };
  return { range: 'public', family: 6 };
}
