// Which prefix answers each point of the destination space: the resolution step of PrefixIndex's
// fast path (prefix-index.ts), built once per deck. Idea taken from IP route lookup (DIR-24-8): a
// direct table over the first `stemDigits` digits of the destination, and below each stem that has
// longer prefixes a short sorted list of disjoint suffix intervals, each already resolved to its
// longest covering prefix ("leaf pushing"). Integers only; stem-slots.ts lays the rows out for lookup.
//
// A suffix is the SUFFIX_DIGITS digits after the stem, zero-padded. A stem whose deck has prefixes
// longer than stemDigits + SUFFIX_DIGITS digits is marked SLOW: the exact path decides there.

/** Hit: no prefix covers this stem or suffix range. */
export const NO_HIT = -1;
/** Hit: the exact path must decide. */
export const SLOW = -2;
/** Digits of the suffix below a stem held in one int32 (10^9 < 2^30, a small integer in V8). */
export const SUFFIX_DIGITS = 9;
export const SUFFIX_SPAN = 1_000_000_000;

export type StemTable = {
  readonly stemDigits: number;
  /**
   * Per stem (10^stemDigits of them): the index of the longest prefix of at most stemDigits digits
   * that covers it, NO_HIT or SLOW. Stems with intervals are answered by them instead.
   */
  readonly stemHit: Int32Array;
  /** Stem s's intervals are [ivStart[s], ivStart[s + 1]); empty when the stem alone decides. */
  readonly ivStart: Int32Array;
  /** Lowest suffix of each interval (ascending within a stem; a stem's first one is 0). */
  readonly ivLo: Int32Array;
  /** Prefix index (or NO_HIT) of each interval. */
  readonly ivHit: Int32Array;
};

/** Stem width for a deck of `prefixes` distinct prefixes: about one stem per prefix, 1–6 digits. */
export function stemDigitsFor(prefixes: number): number {
  let digits = 1;
  while (digits < 6 && 10 ** (digits + 1) <= prefixes) digits++;
  return digits;
}

type Range = { lo: number; end: number; len: number; hit: number };

/** Growable (lowest suffix, hit) pair buffer. */
class Intervals {
  lo = new Int32Array(1024);
  hit = new Int32Array(1024);
  count = 0;
  push(lo: number, hit: number): void {
    if (this.count === this.lo.length) {
      const lo2 = new Int32Array(this.count * 2);
      const hit2 = new Int32Array(this.count * 2);
      lo2.set(this.lo);
      hit2.set(this.hit);
      this.lo = lo2;
      this.hit = hit2;
    }
    this.lo[this.count] = lo;
    this.hit[this.count++] = hit;
  }
}

/**
 * Appends the disjoint intervals of one stem: `ranges` are its longer prefixes as suffix ranges,
 * sorted by lo, then outer (shorter) first; prefixes nest or are disjoint, so a stack resolves
 * each point to its innermost (longest) prefix.
 */
function appendIntervals(out: Intervals, first: number, base: number, ranges: readonly Range[]): void {
  const emit = (lo: number, hit: number): void => {
    if (out.count > first && out.lo[out.count - 1] === lo) {
      out.count--; // a later range starting at the same point is the inner one
      emit(lo, hit);
      return;
    }
    if (out.count > first && out.hit[out.count - 1] === hit) return; // same prefix continues
    out.push(lo, hit);
  };
  const stack: { end: number; hit: number }[] = [{ end: SUFFIX_SPAN, hit: base }];
  const popUntil = (pos: number): void => {
    for (let top = stack[stack.length - 1]; top && stack.length > 1 && top.end <= pos; top = stack[stack.length - 1]) {
      stack.pop();
      const under = stack[stack.length - 1] ?? { hit: base };
      if (top.end < SUFFIX_SPAN) emit(top.end, under.hit);
    }
  };
  emit(0, base);
  for (const r of ranges) {
    popUntil(r.lo);
    emit(r.lo, r.hit);
    stack.push({ end: r.end, hit: r.hit });
  }
  popUntil(SUFFIX_SPAN);
}

/**
 * Builds the stem table of a deck from its distinct prefixes (digits only, 1–15 long); hits are
 * indexes into `prefixes`. `stemDigits` defaults to stemDigitsFor(prefixes.length).
 */
export function buildStemTable(prefixes: readonly string[], stemDigits = stemDigitsFor(prefixes.length)): StemTable {
  if (!Number.isInteger(stemDigits) || stemDigits < 1 || stemDigits > 7) throw new RangeError(`stem digits must be 1–7, not ${stemDigits}`);
  const stemCount = 10 ** stemDigits;
  const maxFast = stemDigits + SUFFIX_DIGITS;
  const stemHit = new Int32Array(stemCount).fill(NO_HIT);
  const stemLen = new Int8Array(stemCount);
  const longer = new Map<number, Range[]>();
  const slowStems = new Set<number>();
  prefixes.forEach((prefix, hit) => {
    if (prefix.length <= stemDigits) {
      // Leaf pushing: the prefix fills its stems where no longer one (≤ stemDigits) has.
      const span = 10 ** (stemDigits - prefix.length);
      const from = Number(prefix) * span;
      for (let s = from; s < from + span; s++) {
        if ((stemLen[s] ?? 0) >= prefix.length) continue;
        stemLen[s] = prefix.length;
        stemHit[s] = hit;
      }
      return;
    }
    const stem = Number(prefix.slice(0, stemDigits));
    if (prefix.length > maxFast) {
      slowStems.add(stem);
      return;
    }
    let list = longer.get(stem);
    if (!list) longer.set(stem, (list = []));
    const tail = prefix.slice(stemDigits);
    const lo = Number(tail) * 10 ** (SUFFIX_DIGITS - tail.length);
    list.push({ lo, end: lo + 10 ** (SUFFIX_DIGITS - tail.length), len: prefix.length, hit });
  });
  const ivStart = new Int32Array(stemCount + 1);
  const out = new Intervals();
  for (let s = 0; s < stemCount; s++) {
    ivStart[s] = out.count;
    if (slowStems.has(s)) {
      stemHit[s] = SLOW;
      continue;
    }
    const ranges = longer.get(s);
    if (ranges) appendIntervals(out, out.count, stemHit[s] ?? NO_HIT, ranges.sort((a, b) => a.lo - b.lo || a.len - b.len));
  }
  ivStart[stemCount] = out.count;
  return { stemDigits, stemHit, ivStart, ivLo: out.lo.slice(0, out.count), ivHit: out.hit.slice(0, out.count) };
}
