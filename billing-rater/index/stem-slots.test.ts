import { describe, expect, it } from 'vitest';
import { layStemSlots, SLOW_SLOT } from './stem-slots.js';
import { buildStemTable } from './stem-table.js';

describe('layStemSlots', () => {
  // 2-digit stems; prefix i answers as rows[i]
  const prefixes = ['4', '49', '4930', '493045', '33', '331234567890'];
  const rows = prefixes.map((prefix) => ({ prefix }));
  const { stems, intervals } = layStemSlots(buildStemTable(prefixes, 2), rows);

  it('puts the row itself in a stem that no longer prefix splits, undefined where none covers', () => {
    expect(stems).toHaveLength(100);
    expect(stems[41]).toBe(rows[0]);
    expect(stems[12]).toBeUndefined();
  });

  it('marks a stem with a prefix longer than stem + 9 digits for the exact path', () => {
    expect(stems[33]).toBe(SLOW_SLOT);
  });

  it('lays a split stem out as a run: count, first row, then (lowest suffix, row) pairs', () => {
    const run = stems[49];
    expect(typeof run).toBe('number');
    const at = run as number;
    // 49 | 4930 | 493045 | 4930 again | 49
    expect(intervals.slice(at, at + 10)).toEqual([5, rows[1], 300_000_000, rows[2], 304_500_000, rows[3], 304_600_000, rows[2], 310_000_000, rows[1]]);
  });
});
