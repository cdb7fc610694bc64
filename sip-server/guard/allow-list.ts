// Trusted sources exempt from the per-source limits (Kamailio pike's `pike_check_req` is skipped for them).
import { BlockList, isIP } from 'node:net';

/** A set of IP addresses and CIDR ranges (IPv4 and IPv6), parsed once. */
export class AllowList {
  readonly #list = new BlockList();
  readonly #size: number;

  /** `entries`: addresses (`10.0.0.1`, `::1`) and ranges (`127.0.0.0/8`, `fd00::/8`). Throws on a bad entry. */
  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const [addr = '', bits, extra] = raw.trim().split('/');
      const family = isIP(addr);
      if (family === 0 || extra !== undefined) throw new Error(`bad allowlist entry '${raw}': expected an IP address or CIDR range`);
      const type = family === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) {
        this.#list.addAddress(addr, type);
        continue;
      }
      const prefix = Number(bits);
      if (!/^\d{1,3}$/.test(bits) || prefix > (family === 6 ? 128 : 32)) throw new Error(`bad allowlist entry '${raw}': bad prefix length`);
      this.#list.addSubnet(addr, prefix, type);
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
    const mapped = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const family = isIP(mapped);
    if (family === 0) return false;
    return this.#list.check(mapped, family === 6 ? 'ipv6' : 'ipv4');
  }
}
