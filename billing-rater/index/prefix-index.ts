// In-memory longest-prefix index of one rate deck (a tenant price plan or a carrier cost deck).
// Fast path: the stem table (stem-table.ts, laid out by stem-slots.ts) answers a lookup with one
// array read, or two for a stem that has longer prefixes, reading the destination's digits once as
// integers; no hashing and no allocation per lookup. Exact path (rare): the distinct prefixes sorted
// as numbers ("1" + digits, so "049" ≠ "49"), probed longest first by binary search, each prefix's
// rows newest first with their effective dates. It decides destinations shorter than the stem, and
// checks any fast answer that is not surely right (see lookupDigits).
// Immutable once built: a rebuild makes a new index and the holder swaps the reference
// (rate-index-store.ts), so lookups never pause.
import type { Tariff } from '../rating/index.js';
import { MAX_DESTINATION_DIGITS, parseDestination, type DestinationDigits } from './destination-digits.js';
import { layStemSlots, SLOW_SLOT, type IntervalSlot, type StemSlot } from './stem-slots.js';
import { buildStemTable, SUFFIX_DIGITS } from './stem-table.js';

/** Longest prefix we index: 15 digits (E.164 maximum), so keys stay below 2^53. */
export const MAX_PREFIX_DIGITS = MAX_DESTINATION_DIGITS;
/** 10^k for k = 0…15. */
const POW10 = Array.from({ length: MAX_PREFIX_DIGITS + 1 }, (_, k) => 10 ** k);

export type PrefixIndexOptions = {
  /** Digits of the direct stem table (1–7); by default about one stem per distinct prefix, at most 6. */
  readonly stemDigits?: number;
};

export class PrefixIndex {
  /** Rows grouped by prefix in ascending key order, newest effective_from first within a group. */
  readonly #rows: Tariff[] = [];
  /** Ascending keys ("1" + prefix as a number) of the distinct prefixes. */
  readonly #keys: Float64Array;
  /** Group g's rows are #rows[#groupStart[g] … #groupStart[g + 1]). */
  readonly #groupStart: Int32Array;
  readonly #stemDigits: number;
  readonly #stems: readonly StemSlot<Tariff>[];
  readonly #intervals: readonly IntervalSlot<Tariff>[];
  /** value / #stemDiv = stem; (value mod #stemDiv) / #suffixDiv = the SUFFIX_DIGITS after it. */
  readonly #stemDiv: number;
  readonly #suffixDiv: number;
  /**
   * A fast answer (the newest row of the longest prefix at that point) is surely right when the
   * destination has at least #longestPrefix digits (so the prefix is not longer than it) and atMs
   * ≥ #openSinceMs: the latest effective_from of the newest rows when none of them has an end,
   * else +∞. Decks with dated rows pay one read of the row to check instead.
   */
  readonly #longestPrefix: number;
  readonly #openSinceMs: number;
  /** lookup()'s parse target; lookup is synchronous and never re-entered. */
  readonly #parsed: DestinationDigits = { value: 0, digits: 0 };
  /** Number of distinct prefixes. */
  readonly size: number;

  constructor(rows: readonly Tariff[], options: PrefixIndexOptions = {}) {
    const byKey = new Map<number, Tariff[]>();
    for (const row of rows) {
      if (!/^\d{1,15}$/.test(row.prefix)) continue;
      const key = Number(`1${row.prefix}`);
      let list = byKey.get(key);
      if (!list) byKey.set(key, (list = []));
      list.push(row);
    }
    this.#keys = Float64Array.from(byKey.keys()).sort();
    this.#groupStart = new Int32Array(this.#keys.length + 1);
    const prefixes: string[] = [];
    const newestRows: Tariff[] = [];
    let longestPrefix = 0;
    let openSinceMs = -Infinity;
    this.#keys.forEach((key, g) => {
      const list = (byKey.get(key) ?? []).sort((a, b) => b.effectiveFromMs - a.effectiveFromMs);
      this.#groupStart[g] = this.#rows.length;
      for (const row of list) this.#rows.push(row);
      const newest = list[0];
      if (!newest) return;
      prefixes.push(newest.prefix);
      newestRows.push(newest);
      longestPrefix = Math.max(longestPrefix, newest.prefix.length);
      openSinceMs = newest.effectiveToMs === null ? Math.max(openSinceMs, newest.effectiveFromMs) : Infinity;
    });
    this.#groupStart[this.#keys.length] = this.#rows.length;
    const table = buildStemTable(prefixes, options.stemDigits);
    const slots = layStemSlots(table, newestRows);
    this.#stemDigits = table.stemDigits;
    this.#stemDiv = 10 ** (MAX_DESTINATION_DIGITS - table.stemDigits);
    this.#suffixDiv = 10 ** (MAX_DESTINATION_DIGITS - table.stemDigits - SUFFIX_DIGITS);
    this.#stems = slots.stems;
    this.#intervals = slots.intervals;
    this.#longestPrefix = longestPrefix;
    this.#openSinceMs = openSinceMs;
    this.size = this.#keys.length;
  }

  /**
   * The row of the longest prefix of `destination` (E.164 digits, optional '+', read up to the
   * first non-digit) that is effective at `atMs` (effective_from ≤ t < effective_to), or undefined.
   * Shorter prefixes are tried when a longer one has no row effective at that time.
   */
  lookup(destination: string, atMs: number): Tariff | undefined {
    return this.lookupDigits(parseDestination(destination, this.#parsed), atMs);
  }

  /** lookup() of a destination already read by parseDestination (one parse for all decks of a call). */
  lookupDigits(destination: DestinationDigits, atMs: number): Tariff | undefined {
    const { value, digits } = destination;
    if (digits < this.#stemDigits) return this.#exact(destination, atMs);
    const stem = Math.floor(value / this.#stemDiv);
    const slot = this.#stems[stem];
    let row: Tariff | undefined;
    if (typeof slot === 'number') {
      // the stem's last interval whose lowest suffix ≤ ours (interval 0 starts at 0)
      const iv = this.#intervals;
      const suffix = Math.floor((value - stem * this.#stemDiv) / this.#suffixDiv);
      let lo = 0;
      let hi = (iv[slot] as number) - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((iv[slot + 2 * mid] as number) <= suffix) lo = mid;
        else hi = mid - 1;
      }
      row = iv[slot + 2 * lo + 1] as Tariff | undefined;
    } else if (slot === SLOW_SLOT) {
      return this.#exact(destination, atMs);
    } else {
      row = slot;
    }
    if (row === undefined) return undefined; // no prefix covers this point at any time
    if (digits >= this.#longestPrefix && atMs >= this.#openSinceMs) return row;
    // Not sure: the prefix may be longer than the destination (found at its zero-padded point), or
    // the row not effective at atMs (then a shorter prefix or an older row may be).
    if (row.prefix.length <= digits && row.effectiveFromMs <= atMs && (row.effectiveToMs === null || atMs < row.effectiveToMs)) return row;
    return this.#exact(destination, atMs);
  }

  /** Exact path: every prefix length present, longest first, each prefix's rows newest first. */
  #exact(destination: DestinationDigits, atMs: number): Tariff | undefined {
    for (let len = destination.digits; len >= 1; len--) {
      // key of the len-digit prefix: "1" + its digits (exact: integers below 2^53)
      const g = this.#group((POW10[len] ?? 0) + Math.floor(destination.value / (POW10[MAX_DESTINATION_DIGITS - len] ?? 1)));
      if (g === -1) continue;
      const to = this.#groupStart[g + 1] ?? 0;
      for (let r = this.#groupStart[g] ?? 0; r < to; r++) {
        const row = this.#rows[r];
        if (row && row.effectiveFromMs <= atMs && (row.effectiveToMs === null || atMs < row.effectiveToMs)) return row;
      }
    }
    return undefined;
  }

  /** Group index of `key`, or -1 (binary search). */
  #group(key: number): number {
    const keys = this.#keys;
    let lo = 0;
    let hi = keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const k = keys[mid] ?? 0;
      if (k === key) return mid;
      if (k < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
