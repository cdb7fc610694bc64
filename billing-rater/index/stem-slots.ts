// The stem table (stem-table.ts) laid out for lookup as two plain arrays that hold the rows
// themselves, so that a lookup touches as few cache lines and pages as possible: a stem decided on
// its own is ONE read (stems[stem] is the row), a stem with longer prefixes is two dependent reads
// (stems[stem] is an offset into `intervals`, whose run keeps each interval's lowest suffix beside
// its row, so the search and the row share one or two adjacent cache lines). The lookup loop is
// bound by memory latency and by TLB misses; these arrays are about half the bytes of one 16-byte
// record per entry plus a parallel row array.
//
//   stems[s]          row | undefined (no prefix) | SLOW_SLOT (exact path) | offset b (a small integer)
//   intervals[b]      n, the stem's interval count (≥ 1)
//   intervals[b + 1]  row (or undefined) of interval 0, which starts at suffix 0
//   intervals[b + 2i], intervals[b + 2i + 1]   lowest suffix and row of interval i, 1 ≤ i < n
import { NO_HIT, SLOW, type StemTable } from './stem-table.js';

/** stems[s] for a stem the exact path must decide. */
export const SLOW_SLOT: unique symbol = Symbol('slow stem');

export type StemSlot<R> = R | number | undefined | typeof SLOW_SLOT;
export type IntervalSlot<R> = R | number | undefined;

export type StemSlots<R> = {
  readonly stems: readonly StemSlot<R>[];
  readonly intervals: readonly IntervalSlot<R>[];
};

/** Lays out `table`, whose hits index `rows` (the row that answers each prefix). */
export function layStemSlots<R extends object>(table: StemTable, rows: readonly R[]): StemSlots<R> {
  const { stemHit, ivStart, ivLo, ivHit } = table;
  const rowOf = (hit: number): R | undefined => (hit === NO_HIT ? undefined : rows[hit]);
  // Filled by push so that V8 keeps them packed (no holes to check).
  const stems: StemSlot<R>[] = [];
  const intervals: IntervalSlot<R>[] = [];
  for (let s = 0; s < stemHit.length; s++) {
    const first = ivStart[s] ?? 0;
    const n = (ivStart[s + 1] ?? 0) - first;
    const hit = stemHit[s] ?? NO_HIT;
    if (n === 0) {
      stems.push(hit === SLOW ? SLOW_SLOT : rowOf(hit));
      continue;
    }
    stems.push(intervals.length);
    intervals.push(n, rowOf(ivHit[first] ?? NO_HIT));
    for (let i = first + 1; i < first + n; i++) intervals.push(ivLo[i] ?? 0, rowOf(ivHit[i] ?? NO_HIT));
  }
  return { stems, intervals };
}
