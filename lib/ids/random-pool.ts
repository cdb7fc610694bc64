import { randomFillSync } from 'node:crypto';

/** Fills `buf` with random bytes; crypto by default, replaceable in tests. */
export type RandomFill = (buf: Buffer) => void;

const cryptoFill: RandomFill = (buf) => {
  randomFillSync(buf);
};

/**
 * Crypto-random bytes handed out from a pooled buffer: one `randomFillSync` call serves many
 * tags, branches and Call-IDs instead of one `randomBytes` call (and Buffer) per id. Every byte is
 * used once; the pool is refilled when it runs short.
 */
export class RandomPool {
  readonly #pool: Buffer;
  readonly #fill: RandomFill;
  #offset: number;

  constructor(sizeBytes = 4096, fill: RandomFill = cryptoFill) {
    this.#pool = Buffer.allocUnsafe(sizeBytes);
    this.#fill = fill;
    this.#offset = sizeBytes; // filled on first use
  }

  /** Lower-case hex of `bytes` fresh random bytes. */
  hex(bytes: number): string {
    const pool = this.#pool;
    if (bytes > pool.length) {
      const big = Buffer.allocUnsafe(bytes);
      this.#fill(big);
      return big.toString('hex');
    }
    if (this.#offset + bytes > pool.length) {
      this.#fill(pool);
      this.#offset = 0;
    }
    const start = this.#offset;
    this.#offset = start + bytes;
    return pool.toString('hex', start, start + bytes);
  }
}
