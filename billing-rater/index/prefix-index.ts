// In-memory longest-prefix index of one rate deck (a tenant price plan or a carrier cost deck).
// Fast path: the stem table (stem-table.ts) answers a lookup from one or two cache lines, reading
// the destination's digits once as integers; no hashing and no allocation per lookup. Exact path
// (rare: a time outside the newest row's window, e.g. a scheduled rate change; destinations shorter
// than the stem): the distinct prefixes sorted as numbers ("1" + digits, so "049" ≠ "49"), probed
// longest first by binary search, each prefix's rows newest first with their effective dates.
// Immutable once built: a rebuild makes a new index and the holder swaps the reference
// (rate-index-store.ts), so lookups never pause.
import type { Tariff } from '../rating/index.js';
import { MAX_DESTINATION_DIGITS, parseDestination, type DestinationDigits } from './destination-digits.js';
import { buildStemTable, NO_HIT, SLOW, SUFFIX_DIGITS, type PrefixGroup } from './stem-table.js';

/** Longest prefix we index: 15 digits (E.164 maximum), so keys stay below 2^53. */
export const MAX_PREFIX_DIGITS = MAX_DESTINATION_DIGITS;
/** 10^k for k = 0…15. */
const POW10 = Array.from({ length: MAX_PREFIX_DIGITS + 1 }, (_, k) => 10 ** k);

export class PrefixIndex {
  /** Rows grouped by prefix in ascending key order, newest effective_from first within a group. */
  readonly #rows: Tariff[] = [];
  /** Ascending keys ("1" + prefix as a number) of the distinct prefixes. */
  readonly #keys: Float64Array;
  /** Group g's rows are #rows[#groupStart[g] … #groupStart[g + 1]). */
  readonly #groupStart: Int32Array;
  readonly #stemDigits: number;
  readonly #stems: Int32Array;
  readonly #stemsU: Uint32Array;
  readonly #intervals: Int32Array;
  readonly #intervalsU: Uint32Array;
  /**
   * The row each stem / interval resolves to, indexed like the entries themselves: the row is
   * fetched in parallel with its entry instead of after it (one memory latency less per lookup).
   */
  readonly #stemRows: (Tariff | undefined)[];
  readonly #intervalRows: (Tariff | undefined)[];
  /** value / #stemDiv = stem; (value mod #stemDiv) / #suffixDiv = the SUFFIX_DIGITS after it. */
  readonly #stemDiv: number;
  readonly #suffixDiv: number;
  /** lookup()'s parse target; lookup is synchronous and never re-entered. */
  readonly #parsed: DestinationDigits = { value: 0, digits: 0 };
  /** Number of distinct prefixes. */
  readonly size: number;

  constructor(rows: readonly Tariff[]) {
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
    const groups: PrefixGroup[] = [];
    this.#keys.forEach((key, g) => {
      const list = (byKey.get(key) ?? []).sort((a, b) => b.effectiveFromMs - a.effectiveFromMs);
      const newest = list[0];
      this.#groupStart[g] = this.#rows.length;
      if (newest) groups.push({ prefix: newest.prefix, newestRow: this.#rows.length, fromMs: newest.effectiveFromMs, toMs: newest.effectiveToMs });
      for (const row of list) this.#rows.push(row);
    });
    this.#groupStart[this.#keys.length] = this.#rows.length;
    const table = buildStemTable(groups);
    this.#stemDigits = table.stemDigits;
    this.#stemDiv = 10 ** (MAX_DESTINATION_DIGITS - table.stemDigits);
    this.#suffixDiv = 10 ** (MAX_DESTINATION_DIGITS - table.stemDigits - SUFFIX_DIGITS);
    this.#stems = table.stems;
    this.#stemsU = new Uint32Array(table.stems.buffer, table.stems.byteOffset, table.stems.length);
    this.#intervals = table.intervals;
    this.#intervalsU = new Uint32Array(table.intervals.buffer, table.intervals.byteOffset, table.intervals.length);
    this.#stemRows = this.#rowsOf(this.#stems, 4);
    this.#intervalRows = this.#rowsOf(this.#intervals, 0);
    this.size = this.#keys.length;
  }

  /** The row of each entry's hit (undefined for NO_HIT / SLOW), as a packed array. */
  #rowsOf(entries: Int32Array, sentinelInts: number): (Tariff | undefined)[] {
    const out: (Tariff | undefined)[] = [];
    for (let e = 0; e < entries.length - sentinelInts; e += 4) {
      const hit = entries[e] ?? NO_HIT;
      out.push(hit >= 0 ? this.#rows[hit >> 4] : undefined);
    }
    return out;
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
    // Issued now, independent of the stem entry, so both memory reads overlap.
    let row = this.#stemRows[stem];
    const stems = this.#stems;
    const s = stem * 4;
    const first = stems[s + 3] ?? 0;
    const last = (stems[s + 7] ?? 0) - 1;
    let hit: number;
    let fromSec: number;
    let toSec: number;
    if (last < first) {
      hit = stems[s] ?? SLOW;
      fromSec = this.#stemsU[s + 1] ?? 0;
      toSec = this.#stemsU[s + 2] ?? 0;
    } else {
      // Read now, before the search: the stem's first row shares its cache line with the next
      // few, so this read overlaps the interval entries' instead of following the search.
      const firstRow = this.#intervalRows[first];
      const suffix = Math.floor((value - stem * this.#stemDiv) / this.#suffixDiv);
      // last interval whose lowest suffix ≤ ours (the first one starts at 0)
      const iv = this.#intervals;
      let lo = first;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((iv[mid * 4 + 3] ?? 0) <= suffix) lo = mid;
        else hi = mid - 1;
      }
      const e = lo * 4;
      hit = iv[e] ?? SLOW;
      fromSec = this.#intervalsU[e + 1] ?? 0;
      toSec = this.#intervalsU[e + 2] ?? 0;
      row = lo === first ? firstRow : this.#intervalRows[lo];
    }
    if (hit === NO_HIT) return undefined; // surely no prefix matches
    // Decided here unless: SLOW; a prefix longer than the destination found at its zero-padded
    // point (not a match of it); a time outside the row's sure window.
    const atSec = Math.floor(atMs / 1000);
    if (hit >= 0 && (hit & 15) <= digits && atSec >= fromSec && atSec < toSec) return row;
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
