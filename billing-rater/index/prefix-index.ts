// In-memory longest-prefix index of one rate deck (a tenant price plan or a carrier cost deck).
// Layout: one open-addressing hash table over a Float64Array. A prefix "4930" is keyed by the
// number 14930 (a leading 1 keeps "049" and "49" apart). A lookup walks the destination's digits
// once, building each candidate key incrementally, and probes from the longest length present
// down to the shortest. Each slot holds [key, row, effectiveFrom, effectiveTo] of the prefix's
// newest row, so the common single-version case is one cache line; older versions chain through
// typed arrays. A Bloom bitset (8 bits per prefix) skips most probes for lengths that do not
// match. Fast path: a direct table over the first STEM_DIGITS (6) digits gives, per stem, the
// slot of the longest prefix of ≤ 6 digits that covers it and a bitmask of the longer prefix
// lengths that exist under it, so most lookups cost two or three cache misses. No per-lookup
// allocation. Immutable once built: a rebuild makes a new index and the
// holder swaps the reference (rate-index-store.ts), so lookups never pause.
import type { Tariff } from '../rating/index.js';

/** Longest prefix we index: 15 digits (E.164 maximum), so keys stay below 2^53. */
export const MAX_PREFIX_DIGITS = 15;
const TWO_32 = 4_294_967_296;
const SLOT = 4;
/** Digits of the direct stem table (10^6 entries: 2 MB of masks, 4 MB of slots). */
const STEM_DIGITS = 6;
const STEMS = 10 ** STEM_DIGITS;

function hashKey(key: number, mask: number): number {
  const lo = key >>> 0;
  const hi = (key / TWO_32) >>> 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  return h & mask;
}

function bloomBit(key: number, mask: number): number {
  const lo = key >>> 0;
  const hi = (key / TWO_32) >>> 0;
  let h = Math.imul(lo, 0xcc9e2d51) ^ Math.imul(hi, 0x1b873593);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h & mask;
}

/** Smallest power of two ≥ max(16, n). */
function pow2AtLeast(n: number): number {
  let size = 16;
  while (size < n) size *= 2;
  return size;
}

export class PrefixIndex {
  /** slot i: [4i] key, [4i+1] row index (-1 = empty), [4i+2] effectiveFrom, [4i+3] effectiveTo (Infinity = open). */
  readonly #table: Float64Array;
  readonly #mask: number;
  readonly #bloom: Uint32Array;
  readonly #bloomMask: number;
  /** Rows grouped by prefix, newest effective_from first within a group. */
  readonly #rows: Tariff[] = [];
  /** Per row: the next older row of the same prefix, or -1. */
  readonly #older: Int32Array;
  readonly #from: Float64Array;
  readonly #to: Float64Array;
  /** Prefix lengths present, longest first. */
  readonly #lengths: Int32Array;
  readonly #maxLen: number;
  /** Per-index scratch for candidate keys; lookup is synchronous and never re-entered. */
  readonly #scratch = new Float64Array(MAX_PREFIX_DIGITS);
  /**
   * Per stem, two ints in one cache line: [2s] table slot of the longest prefix of ≤ STEM_DIGITS
   * digits covering the stem (or -1); [2s+1] bit L set when a prefix of length L > STEM_DIGITS
   * starts with the stem.
   */
  readonly #stems: Int32Array;
  /** Number of distinct prefixes. */
  readonly size: number;

  constructor(rows: readonly Tariff[]) {
    const byPrefix = new Map<string, Tariff[]>();
    for (const row of rows) {
      if (!/^\d{1,15}$/.test(row.prefix)) continue;
      let list = byPrefix.get(row.prefix);
      if (!list) byPrefix.set(row.prefix, (list = []));
      list.push(row);
    }
    const slots = pow2AtLeast(byPrefix.size * 2);
    this.#table = new Float64Array(slots * SLOT);
    for (let i = 1; i < this.#table.length; i += SLOT) this.#table[i] = -1;
    this.#mask = slots - 1;
    const bloomBits = Math.max(64, pow2AtLeast(byPrefix.size * 8));
    this.#bloom = new Uint32Array(bloomBits / 32);
    this.#bloomMask = bloomBits - 1;
    let total = 0;
    for (const list of byPrefix.values()) total += list.length;
    this.#older = new Int32Array(total).fill(-1);
    this.#from = new Float64Array(total);
    this.#to = new Float64Array(total);
    const lengths = new Set<number>();
    for (const [prefix, list] of byPrefix) {
      list.sort((a, b) => b.effectiveFromMs - a.effectiveFromMs);
      const first = this.#rows.length;
      list.forEach((row, i) => {
        const at = first + i;
        this.#rows.push(row);
        this.#from[at] = row.effectiveFromMs;
        this.#to[at] = row.effectiveToMs ?? Infinity;
        if (i + 1 < list.length) this.#older[at] = at + 1;
      });
      const key = Number(`1${prefix}`);
      let slot = hashKey(key, this.#mask);
      while (this.#table[slot * SLOT + 1] !== -1) slot = (slot + 1) & this.#mask;
      const base = slot * SLOT;
      this.#table[base] = key;
      this.#table[base + 1] = first;
      this.#table[base + 2] = list[0]?.effectiveFromMs ?? 0;
      this.#table[base + 3] = list[0]?.effectiveToMs ?? Infinity;
      const bit = bloomBit(key, this.#bloomMask);
      this.#bloom[bit >>> 5] = (this.#bloom[bit >>> 5] ?? 0) | (1 << (bit & 31));
      lengths.add(prefix.length);
    }
    this.#stems = new Int32Array(STEMS * 2);
    for (let i = 0; i < this.#stems.length; i += 2) this.#stems[i] = -1;
    const short = [...byPrefix.keys()].filter((p) => p.length <= STEM_DIGITS).sort((a, b) => a.length - b.length);
    for (const prefix of short) {
      const span = 10 ** (STEM_DIGITS - prefix.length);
      const from = Number(prefix) * span;
      const slot = this.#slotOf(Number(`1${prefix}`));
      for (let stem = from; stem < from + span; stem++) this.#stems[stem * 2] = slot;
    }
    for (const prefix of byPrefix.keys()) {
      if (prefix.length <= STEM_DIGITS) continue;
      const stem = Number(prefix.slice(0, STEM_DIGITS));
      this.#stems[stem * 2 + 1] = (this.#stems[stem * 2 + 1] ?? 0) | (1 << prefix.length);
    }
    this.#lengths = Int32Array.from([...lengths].sort((a, b) => b - a));
    this.#maxLen = this.#lengths[0] ?? 0;
    this.size = byPrefix.size;
  }

  /** Slot holding `key`, or -1. */
  #slotOf(key: number): number {
    let slot = hashKey(key, this.#mask);
    for (;;) {
      const base = slot * SLOT;
      if (this.#table[base + 1] === -1) return -1;
      if (this.#table[base] === key) return slot;
      slot = (slot + 1) & this.#mask;
    }
  }

  /** Row index effective at `atMs` for the prefix keyed `key`; -1 if none (or the prefix is absent). */
  #find(key: number, atMs: number): number {
    const bit = bloomBit(key, this.#bloomMask);
    if (((this.#bloom[bit >>> 5] ?? 0) & (1 << (bit & 31))) === 0) return -1;
    return this.#probe(key, atMs);
  }

  /** #find without the Bloom check, for keys known to be likely present (the stem mask says so). */
  #probe(key: number, atMs: number): number {
    const table = this.#table;
    let slot = hashKey(key, this.#mask);
    for (;;) {
      const base = slot * SLOT;
      const row = table[base + 1] ?? -1;
      if (row === -1) return -1;
      if (table[base] === key) {
        if ((table[base + 2] ?? Infinity) <= atMs && atMs < (table[base + 3] ?? 0)) return row;
        for (let r = this.#older[row] ?? -1; r !== -1; r = this.#older[r] ?? -1) {
          if ((this.#from[r] ?? Infinity) <= atMs && atMs < (this.#to[r] ?? 0)) return r;
        }
        return -1;
      }
      slot = (slot + 1) & this.#mask;
    }
  }

  /**
   * The row of the longest prefix of `destination` (E.164 digits, optional '+') that is
   * effective at `atMs` (effective_from ≤ t < effective_to), or undefined. Shorter prefixes are
   * tried when a longer one has no row effective at that time.
   */
  lookup(destination: string, atMs: number): Tariff | undefined {
    const start = destination.charCodeAt(0) === 43 /* + */ ? 1 : 0;
    const n = Math.min(destination.length - start, this.#maxLen);
    const keys = this.#scratch; // keys[i] = key of the (i+1)-digit prefix
    let acc = 1;
    let digits = 0;
    for (; digits < n; digits++) {
      const c = destination.charCodeAt(start + digits) - 48;
      if (c < 0 || c > 9) break;
      acc = acc * 10 + c;
      keys[digits] = acc;
    }
    if (digits >= STEM_DIGITS) {
      const fast = this.#lookupByStem(digits, atMs);
      if (fast !== -2) return fast === -1 ? undefined : this.#rows[fast];
    }
    const lengths = this.#lengths;
    for (let i = 0; i < lengths.length; i++) {
      const len = lengths[i] ?? 0;
      if (len > digits) continue;
      const row = this.#find(keys[len - 1] ?? 0, atMs);
      if (row !== -1) return this.#rows[row];
    }
    return undefined;
  }

  /** Fast path over the stem table: row index, -1 for no match, -2 when the slow path must decide (time-dependent rows). */
  #lookupByStem(digits: number, atMs: number): number {
    const keys = this.#scratch;
    const stem = (keys[STEM_DIGITS - 1] ?? STEMS) - STEMS; // strip the leading 1
    let longer = this.#stems[stem * 2 + 1] ?? 0;
    for (let len = digits < 15 ? digits : 15; longer !== 0 && len > STEM_DIGITS; len--) {
      if ((longer & (1 << len)) === 0) continue;
      longer &= ~(1 << len);
      const row = this.#probe(keys[len - 1] ?? 0, atMs);
      if (row !== -1) return row;
    }
    const slot = this.#stems[stem * 2] ?? -1;
    if (slot === -1) return -1;
    const base = slot * SLOT;
    const table = this.#table;
    if ((table[base + 2] ?? Infinity) <= atMs && atMs < (table[base + 3] ?? 0)) return table[base + 1] ?? -1;
    return -2;
  }
}
