// Temporary bans of source addresses (Kamailio pike's "blocked" state), bounded in size.
import type { Clock } from '#lib/clock/index.js';

/**
 * Source address → ban expiry (monotonic ms). Every ban lasts the same time, so insertion order is
 * expiry order: expired bans are swept from the front, and when the list is full the ban that
 * would end first is dropped to make room (the map never exceeds `maxEntries`).
 */
export class BanList {
  readonly #clock: Clock;
  readonly #banMs: number;
  readonly #max: number;
  readonly #until = new Map<string, number>();
  #bans = 0;
  #evicted = 0;

  constructor(clock: Clock, banMs: number, maxEntries: number) {
    this.#clock = clock;
    this.#banMs = banMs;
    this.#max = Math.max(1, maxEntries);
  }

  /** True while `address` is banned. */
  has(address: string): boolean {
    const until = this.#until.get(address);
    if (until === undefined) return false;
    if (until > this.#clock.monotonic()) return true;
    this.#until.delete(address);
    return false;
  }

  /** Bans `address` for the ban time from now (a repeated ban restarts it). */
  add(address: string): void {
    this.#until.delete(address);
    if (this.#until.size >= this.#max) {
      this.sweep();
      if (this.#until.size >= this.#max) {
        const first = this.#until.keys().next();
        if (first.done !== true) this.#until.delete(first.value);
        this.#evicted++;
      }
    }
    this.#until.set(address, this.#clock.monotonic() + this.#banMs);
    this.#bans++;
  }

  /** Drops expired bans (oldest first; stops at the first live one). */
  sweep(): void {
    const now = this.#clock.monotonic();
    for (const [address, until] of this.#until) {
      if (until > now) break;
      this.#until.delete(address);
    }
  }

  /** Bans currently held (expired ones may linger until the next sweep or lookup). */
  get size(): number {
    return this.#until.size;
  }

  /** Bans imposed since start. */
  get bansTotal(): number {
    return this.#bans;
  }

  /** Live bans dropped early because the list was full. */
  get evictedTotal(): number {
    return this.#evicted;
  }
}
