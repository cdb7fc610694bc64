import { describe, expect, it } from 'vitest';
import { parseDestination } from './destination-digits.js';

describe('parseDestination', () => {
  it('reads up to 15 digits, zero-padded on the right, with their count', () => {
    expect(parseDestination('+4930')).toEqual({ value: 493_000_000_000_000, digits: 4 });
    expect(parseDestination('49300')).toEqual({ value: 493_000_000_000_000, digits: 5 });
    expect(parseDestination('+4930123456789012345')).toEqual({ value: 493_012_345_678_901, digits: 15 });
  });

  it('stops at the first non-digit and accepts nothing as zero digits', () => {
    expect(parseDestination('+49;x=1')).toEqual({ value: 490_000_000_000_000, digits: 2 });
    expect(parseDestination('+')).toEqual({ value: 0, digits: 0 });
    expect(parseDestination('')).toEqual({ value: 0, digits: 0 });
    expect(parseDestination('abc')).toEqual({ value: 0, digits: 0 });
  });

  it('writes into the object it is given', () => {
    const out = { value: 1, digits: 1 };
    expect(parseDestination('44', out)).toBe(out);
    expect(out).toEqual({ value: 440_000_000_000_000, digits: 2 });
  });
});
