import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.js';

describe('toCsv', () => {
  it('quotes per RFC 4180 and renders dates, arrays and nulls', () => {
    const csv = toCsv(['a', 'b', 'c', 'd'], [{ a: 'x,y', b: 'say "hi"', c: new Date(Date.UTC(2026, 0, 2)), d: null }, { a: ['1', '2'], b: 7, c: 'line\nbreak', d: true }]);
    expect(csv).toBe('a,b,c,d\r\n"x,y","say ""hi""",2026-01-02T00:00:00.000Z,\r\n"[""1"",""2""]",7,"line\nbreak",true\r\n');
  });

  it('writes only the header for no rows', () => {
    expect(toCsv(['id'], [])).toBe('id\r\n');
  });
});
