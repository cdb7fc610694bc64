import { describe, expect, it } from 'vitest';
import { readHeader, validateRow } from './row-validator.js';

describe('rate deck rows', () => {
  const header = readHeader(['prefix', 'description', 'rate_micros_per_min', 'connect_fee_micros', 'initial_increment_sec', 'subsequent_increment_sec', 'effective_from', 'effective_to']);
  if (!header.ok) throw new Error(header.message);
  const index = header.index;

  it('renders a valid row as a COPY line with escaped text', () => {
    const r = validateRow(['4420', 'London\tcentral', '12500', '0', '60', '60', '2026-01-01', ''], 2, index, 'GBP', 'v1');
    expect(r).toEqual({ ok: true, copyLine: 'v1\t2\t4420\tLondon\\tcentral\t12500\t0\t60\t60\t2026-01-01T00:00:00.000Z\t\\N\tGBP\n' });
  });

  it('names the bad field', () => {
    const cases: [string[], RegExp][] = [
      [['44x', '', '1', '0', '60', '60', '2026-01-01', ''], /^prefix/],
      [['44', '', '1.5', '0', '60', '60', '2026-01-01', ''], /^rate_micros_per_min/],
      [['44', '', '1', '0', '0', '60', '2026-01-01', ''], /^initial_increment_sec/],
      [['44', '', '1', '0', '60', '60', 'yesterday', ''], /^effective_from/],
      [['44', '', '1', '0', '60', '60', '2026-02-01', '2026-01-01'], /^effective_to/],
      [['44', '', '1', '0', '60', '60'], /fields/],
    ];
    for (const [rec, re] of cases) {
      const r = validateRow(rec, 5, index, 'GBP', 'v1');
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(re);
    }
  });

  it('refuses unknown and missing header columns', () => {
    expect(readHeader(['prefix', 'rate']).ok).toBe(false);
    expect(readHeader(['prefix', 'rate_micros_per_min']).ok).toBe(false);
  });
});
