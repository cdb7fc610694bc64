// Trusted sources exempt from the per-source limits (Kamailio pike's `pike_check_req` is skipped for them).
import { BlockList, isIP } from 'node:net';

/** Most addresses whose answer is remembered. */
const CACHE_MAX = 4096;

/** An IPv4 range as a 32-bit network and mask. */
type V4Range = { network: number; mask: number };

/**
 * A set of IP addresses and CIDR ranges (IPv4 and IPv6), parsed once. It is asked for every message,
 * so IPv4 (the common case) is matched on integers; node:net's BlockList (~2 µs a check) serves IPv6.
 */
export class AllowList {
  readonly #v4: V4Range[] = [];
  readonly #v6 = new BlockList();
  #hasV6 = false;
  readonly #size: number;
  /** Answers for recently seen addresses (outsider data: cleared when it reaches CACHE_MAX). */
  readonly #cache = new Map<string, boolean>();

  /** `entries`: addresses (`10.0.0.1`, `::1`) and ranges (`127.0.0.0/8`, `fd00::/8`). Throws on a bad entry. */
  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const [addr = '', bits, extra] = raw.trim().split('/');
      const family = isIP(addr);
      if (family === 0 || extra !== undefined) throw new Error(`bad allowlist entry '${raw}': expected an IP address or CIDR range`);
      const maxBits = family === 6 ? 128 : 32;
      if (bits !== undefined && (!/^\d{1,3}$/.test(bits) || Number(bits) > maxBits)) throw new Error(`bad allowlist entry '${raw}': bad prefix length`);
      const prefix = bits === undefined ? maxBits : Number(bits);
      if (family === 4) {
        const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
        // isIP() said IPv4, so the conversion succeeds.
        this.#v4.push({ network: ((ipv4ToInt(addr) ?? 0) & mask) >>> 0, mask });
      } else {
        this.#v6.addSubnet(addr, prefix, 'ipv6');
        this.#hasV6 = true;
      }
    }
    this.#size = entries.length;
  }

  /** Parses a comma- or whitespace-separated list (the SIPSRV_RATE_LIMIT_ALLOW form). */
  static parse(text: string): AllowList {
    return new AllowList(text.split(/[\s,]+/).filter((s) => s.length > 0));
  }

  get size(): number {
    return this.#size;
  }

  /** True when `address` (as reported by a socket, IPv4-mapped IPv6 included) is in the list. */
  has(address: string): boolean {
    if (this.#size === 0) return false;
    const cached = this.#cache.get(address);
    if (cached !== undefined) return cached;
    if (this.#cache.size >= CACHE_MAX) this.#cache.clear();
    const answer = this.#lookup(address);
    this.#cache.set(address, answer);
    return answer;
  }

  #lookup(address: string): boolean {
    const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
    const n = ipv4ToInt(v4);
    if (n !== undefined) return this.#v4.some((r) => ((n & r.mask) >>> 0) === r.network);
    return this.#hasV6 && isIP(address) === 6 && this.#v6.check(address, 'ipv6');
  }
}

/** Dotted-quad IPv4 → unsigned 32-bit integer; undefined for anything else. */
function ipv4ToInt(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const b = Number(p);
    if (b > 255) return undefined;
    n = n * 256 + b;
  }
  return n;
}
