// Per-source request counting in fixed windows (the sampling unit of Kamailio's pike module).
import type { Clock } from '#lib/clock/index.js';

/**
 * Counts hits per key in the current window of `windowMs`; all counts restart at each new window,
 * so the map holds at most the sources seen in one window, and never more than `maxKeys` (sources
 * beyond that in one window are not counted: `untrackedTotal`).
 */
export class RateWindow {
  readonly #clock: Clock;
  readonly #windowMs: number;
  readonly #max: number;
  readonly #counts = new Map<string, number>();
  #windowStart: number;
  #untracked = 0;
  #onRoll: () => void;

  /** `onRoll` runs at each new window (the ban list sweeps there). */
  constructor(clock: Clock, windowMs: number, maxKeys: number, onRoll: () => void = () => undefined) {
    this.#clock = clock;
    this.#windowMs = windowMs;
    this.#max = Math.max(1, maxKeys);
    this.#windowStart = clock.monotonic();
    this.#onRoll = onRoll;
  }

  /** Counts one hit for `key` and returns its count in the current window (0 when the table is full). */
  hit(key: string): number {
    const now = this.#clock.monotonic();
    if (now - this.#windowStart >= this.#windowMs) {
      this.#counts.clear();
      this.#windowStart = now;
      this.#onRoll();
    }
    const n = (this.#counts.get(key) ?? 0) + 1;
    if (n === 1 && this.#counts.size >= this.#max) {
      this.#untracked++;
      return 0;
    }
    this.#counts.set(key, n);
    return n;
  }

  /** Forgets `key`'s count (a banned source starts afresh when its ban ends). */
  forget(key: string): void {
    this.#counts.delete(key);
  }

  /** Sources counted in the current window. */
  get size(): number {
    return this.#counts.size;
  }

  /** Hits not counted because the window's table was full. */
  get untrackedTotal(): number {
    return this.#untracked;
  }
}
