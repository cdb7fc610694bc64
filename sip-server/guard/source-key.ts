// The key a source is counted and banned under. An IPv6 host usually holds a whole /64 (RFC 4291
// §2.5.4 interface identifiers; SLAAC privacy addresses rotate within it), so counting single IPv6
// addresses would let one host spread a flood over endless addresses: IPv6 sources are keyed by /64.
import { isIP } from 'node:net';

/** `a.b.c.d` for IPv4 (IPv4-mapped IPv6 included), `x:x:x:x::/64` for IPv6, the text itself otherwise. */
export function sourceKey(address: string): string {
  if (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4) return address.slice(7);
  if (!address.includes(':')) return address;
  const groups = expandIpv6(address);
  return groups === undefined ? address : `${groups.slice(0, 4).join(':')}::/64`;
}

/** The eight hextets of an IPv6 address (lower case, no leading zeros), or undefined when it is not one. */
function expandIpv6(address: string): string[] | undefined {
  const bare = address.split('%')[0] ?? address; // drop a zone id (fe80::1%eth0)
  if (isIP(bare) !== 6 || bare.includes('.')) return undefined;
  const [head = '', tail] = bare.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...fill, ...right].map((g) => Number.parseInt(g, 16).toString(16));
}
