// The fast path of PrefixIndex (prefix-index.ts), built once per deck. Idea taken from IP route
// lookup (DIR-24-8): a direct table over the first `stemDigits` digits of the destination, and
// below each stem that has longer prefixes a short sorted list of disjoint suffix intervals, each
// already resolved to its longest covering prefix ("leaf pushing"). A lookup is then one stem entry
// plus, for some stems, one interval list: one or two cache lines, no hashing, no allocation.
//
// Every entry (stem or interval) is four int32s, one 16-byte record:
//   [0] hit: row * 16 + prefix length (row = the prefix's newest row), NO_HIT, or SLOW
//   [1] fromSec, [2] toSec (uint32 view): whole seconds in which that row is surely the answer
//   [3] stem: first interval; interval: lowest suffix it covers (suffix = the next SUFFIX_DIGITS
//       digits after the stem, zero-padded)
// A stem's intervals end where the next stem's begin (one sentinel stem at the end).
// Whatever the fast path cannot decide exactly (a time outside the sure window, a destination
// shorter than the prefix found, a stem with prefixes longer than stem + SUFFIX_DIGITS digits) is
// answered SLOW and the exact path decides.

/** Entry hit: no prefix covers this stem or suffix range. */
export const NO_HIT = -1;
/** Entry hit: the exact path must decide. */
export const SLOW = -2;
/** Digits of the suffix below a stem held in one int32 (10^9 < 2^31). */
export const SUFFIX_DIGITS = 9;
export const SUFFIX_SPAN = 1_000_000_000;
const MAX_SEC = 0xffff_ffff;

/** One distinct prefix as the builder needs it. */
export type PrefixGroup = { readonly prefix: string; readonly newestRow: number; readonly fromMs: number; readonly toMs: number | null };

export type StemTable = {
  readonly stemDigits: number;
  /** 4 int32 per stem, plus one sentinel stem whose [3] ends the last stem's intervals. */
  readonly stems: Int32Array;
  readonly intervals: Int32Array;
};

/** Stem width for a deck of `prefixes` distinct prefixes: about one stem per prefix, 1–6 digits. */
export function stemDigitsFor(prefixes: number): number {
  let digits = 1;
  while (digits < 6 && 10 ** (digits + 1) <= prefixes) digits++;
  return digits;
}

/**
 * Whole seconds [fromSec, toSec) inside the row's [fromMs, toMs): a time t with
 * fromSec ≤ floor(t / 1000) < toSec surely satisfies fromMs ≤ t < toMs. Empty when out of range.
 */
export function sureWindowSec(fromMs: number, toMs: number | null): [number, number] {
  const from = fromMs <= 0 ? 0 : Math.min(MAX_SEC, Math.ceil(fromMs / 1000));
  const to = toMs === null ? MAX_SEC : toMs <= 0 ? 0 : Math.min(MAX_SEC, Math.floor(toMs / 1000));
  return [from, to];
}

type Hit = { hit: number; fromSec: number; toSec: number };
const NONE: Hit = { hit: NO_HIT, fromSec: 0, toSec: 0 };
const SLOW_HIT: Hit = { hit: SLOW, fromSec: 0, toSec: 0 };

function hitOf(g: PrefixGroup): Hit {
  const [fromSec, toSec] = sureWindowSec(g.fromMs, g.toMs);
  return { hit: g.newestRow * 16 + g.prefix.length, fromSec, toSec };
}

type Range = { lo: number; end: number; len: number; hit: Hit };

/** Growable int32 record buffer. */
class Records {
  buf = new Int32Array(4 * 1024);
  count = 0;
  push(hit: number, fromSec: number, toSec: number, last: number): void {
    if ((this.count + 1) * 4 > this.buf.length) {
      const bigger = new Int32Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    const at = this.count++ * 4;
    this.buf[at] = hit;
    this.buf[at + 1] = fromSec | 0;
    this.buf[at + 2] = toSec | 0;
    this.buf[at + 3] = last;
  }
}

/**
 * Appends the disjoint intervals of one stem: `ranges` are its longer prefixes as suffix ranges,
 * sorted by lo, then outer (shorter) first; prefixes nest or are disjoint, so a stack resolves
 * each point to its innermost (longest) prefix.
 */
function appendIntervals(out: Records, first: number, base: Hit, ranges: readonly Range[]): void {
  const emit = (lo: number, h: Hit): void => {
    const last = (out.count - 1) * 4;
    if (out.count > first && out.buf[last + 3] === lo) {
      out.count--; // a later range starting at the same point is the inner one
      emit(lo, h);
      return;
    }
    if (out.count > first && out.buf[last] === h.hit) return; // same prefix continues
    out.push(h.hit, h.fromSec, h.toSec, lo);
  };
  const stack: { end: number; hit: Hit }[] = [{ end: SUFFIX_SPAN, hit: base }];
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

/** Builds the stem table of a deck from its distinct prefixes (digits only, 1–15 long). */
export function buildStemTable(groups: readonly PrefixGroup[]): StemTable {
  const stemDigits = stemDigitsFor(groups.length);
  const stemCount = 10 ** stemDigits;
  const maxFast = stemDigits + SUFFIX_DIGITS;
  const shortHits: (Hit | undefined)[] = new Array<Hit | undefined>(stemCount);
  const longer = new Map<number, Range[]>();
  const slowStems = new Set<number>();
  // Short prefixes fill their stems, shortest first so longer ones overwrite (leaf pushing).
  const short = groups.filter((g) => g.prefix.length <= stemDigits).sort((a, b) => a.prefix.length - b.prefix.length);
  for (const g of short) {
    const span = 10 ** (stemDigits - g.prefix.length);
    const from = Number(g.prefix) * span;
    const h = hitOf(g);
    for (let s = from; s < from + span; s++) shortHits[s] = h;
  }
  for (const g of groups) {
    if (g.prefix.length <= stemDigits) continue;
    const stem = Number(g.prefix.slice(0, stemDigits));
    if (g.prefix.length > maxFast) {
      slowStems.add(stem);
      continue;
    }
    const tail = g.prefix.slice(stemDigits);
    const lo = Number(tail) * 10 ** (SUFFIX_DIGITS - tail.length);
    let list = longer.get(stem);
    if (!list) longer.set(stem, (list = []));
    list.push({ lo, end: lo + 10 ** (SUFFIX_DIGITS - tail.length), len: g.prefix.length, hit: hitOf(g) });
  }
  const stems = new Int32Array((stemCount + 1) * 4);
  const intervals = new Records();
  for (let s = 0; s < stemCount; s++) {
    const base = slowStems.has(s) ? SLOW_HIT : (shortHits[s] ?? NONE);
    const at = s * 4;
    stems[at] = base.hit;
    stems[at + 1] = base.fromSec | 0;
    stems[at + 2] = base.toSec | 0;
    stems[at + 3] = intervals.count;
    const ranges = slowStems.has(s) ? undefined : longer.get(s);
    if (ranges) appendIntervals(intervals, intervals.count, base, ranges.sort((a, b) => a.lo - b.lo || a.len - b.len));
  }
  stems[stemCount * 4 + 3] = intervals.count;
  return { stemDigits, stems, intervals: intervals.buf.slice(0, intervals.count * 4) };
}
