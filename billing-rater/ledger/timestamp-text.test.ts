import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimestampText } from './timestamp-text.js';

/** What PostgreSQL reads back: the same instant as Date#toISOString, in COPY's timestamptz text. */
function viaDate(ms: number): string {
  return `${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}+00`;
}

describe('TimestampText (COPY timestamptz text)', () => {
  it('formats milliseconds, seconds and days like Date#toISOString', () => {
    const ts = new TimestampText();
    const day = Date.UTC(2026, 0, 31);
    for (const ms of [0, 5, 42, 999, day - 1, day, day + 7, day + 86_399_999, Date.UTC(2028, 1, 29, 23, 59, 59, 1)]) expect(ts.format(ms)).toBe(viaDate(ms));
    expect(ts.format(null)).toBe('\\N');
  });

  it('agrees with Date for any instant of years 1970–9999, in any order (day cache)', () => {
    const ts = new TimestampText();
    fc.assert(fc.property(fc.integer({ min: 0, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), (ms) => ts.format(ms) === viaDate(ms)));
  });
});
