import { randomUUID } from 'node:crypto';
import { RandomPool } from './random-pool.js';

/** RFC 3261 §8.1.1.7: every branch created by an RFC 3261 element starts with this cookie. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

/** Source of identifiers: SIP Call-IDs, tags, branches and UUIDs. */
export interface IdSource {
  /** Lower-case hex string of `bytes` random bytes. */
  hex(bytes: number): string;
  /** A Call-ID (RFC 3261 §8.1.1.4), globally unique. */
  callId(): string;
  /** A From/To tag (RFC 3261 §19.3). */
  tag(): string;
  /** A Via branch (RFC 3261 §8.1.1.7), starting with the magic cookie. */
  branch(): string;
  /** An RFC 9562 version-4 UUID. */
  uuid(): string;
}

abstract class BaseIdSource implements IdSource {
  abstract hex(bytes: number): string;
  abstract uuid(): string;

  callId(): string {
    return this.hex(16);
  }

  tag(): string {
    return this.hex(8);
  }

  branch(): string {
    return BRANCH_MAGIC_COOKIE + this.hex(10);
  }
}

/** Crypto-random ids for production (bytes drawn from a pooled buffer, see RandomPool). */
export class CryptoIdSource extends BaseIdSource {
  readonly #pool: RandomPool;

  constructor(pool: RandomPool = new RandomPool()) {
    super();
    this.#pool = pool;
  }

  hex(bytes: number): string {
    return this.#pool.hex(bytes);
  }

  uuid(): string {
    return randomUUID();
  }
}

/** Deterministic ids for tests (xorshift128+ seeded by an integer). Never use in production. */
export class SeededIdSource extends BaseIdSource {
  #s0: bigint;
  #s1: bigint;

  constructor(seed = 1) {
    super();
    this.#s0 = BigInt(seed) ^ 0x9e3779b97f4a7c15n;
    this.#s1 = (BigInt(seed) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    if (this.#s0 === 0n && this.#s1 === 0n) this.#s1 = 1n;
  }

  #next(): bigint {
    const mask = 0xffffffffffffffffn;
    let x = this.#s0;
    const y = this.#s1;
    this.#s0 = y;
    x ^= (x << 23n) & mask;
    this.#s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return (this.#s1 + y) & mask;
  }

  hex(bytes: number): string {
    let out = '';
    while (out.length < bytes * 2) out += this.#next().toString(16).padStart(16, '0');
    return out.slice(0, bytes * 2);
  }

  uuid(): string {
    const h = this.hex(16);
    const variant = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}
