import { describe, expect, it } from 'vitest';
import type { Tariff } from '../rating/index.js';
import { PrefixIndex } from './prefix-index.js';

function row(prefix: string, rate: number, from = 0, to: number | null = null): Tariff {
  return {
    prefix,
    rateMicrosPerMin: rate,
    connectFeeMicros: 0,
    initialIncrementSec: 60,
    subsequentIncrementSec: 60,
    currency: 'EUR',
    effectiveFromMs: from,
    effectiveToMs: to,
    source: { kind: 'price_plan', id: 'p', rowId: `${prefix}-${from}` },
  };
}

describe('PrefixIndex', () => {
  const idx = new PrefixIndex([row('4', 1), row('49', 2), row('4930', 3), row('4930', 4, 1000, 2000), row('049', 9), row('33', 5, 5000)]);

  it('matches the longest prefix', () => {
    expect(idx.lookup('+493012345', 0)?.rateMicrosPerMin).toBe(3);
    expect(idx.lookup('4989', 0)?.rateMicrosPerMin).toBe(2);
    expect(idx.lookup('41', 0)?.rateMicrosPerMin).toBe(1);
    expect(idx.lookup('0491', 0)?.rateMicrosPerMin).toBe(9);
    expect(idx.lookup('1234', 0)).toBeUndefined();
    expect(idx.lookup('', 0)).toBeUndefined();
  });

  it('honours effective dates and falls back to shorter prefixes', () => {
    expect(idx.lookup('4930', 1500)?.rateMicrosPerMin).toBe(4);
    expect(idx.lookup('4930', 2000)?.rateMicrosPerMin).toBe(3);
    expect(idx.lookup('331', 4999)).toBeUndefined();
    expect(idx.lookup('331', 5000)?.rateMicrosPerMin).toBe(5);
  });

  it('honours effective dates on the stem fast path (long destinations)', () => {
    const t = new PrefixIndex([row('49', 1), row('4930', 2, 1000, 2000), row('49301234', 3, 3000)]);
    expect(t.lookup('+4930123456', 0)?.rateMicrosPerMin).toBe(1);
    expect(t.lookup('+4930123456', 1500)?.rateMicrosPerMin).toBe(2);
    expect(t.lookup('+4930123456', 2500)?.rateMicrosPerMin).toBe(1);
    expect(t.lookup('+4930123456', 3000)?.rateMicrosPerMin).toBe(3);
    expect(t.lookup('+4930999999', 3000)?.rateMicrosPerMin).toBe(1);
    expect(t.lookup('+3312345678', 0)).toBeUndefined();
  });

  it('agrees with a naive scan on many prefixes', () => {
    const rows: Tariff[] = [];
    let seed = 7;
    const rnd = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    for (let i = 0; i < 5000; i++) {
      let p = String(1 + rnd(9));
      const len = 1 + rnd(8);
      for (let k = 1; k < len; k++) p += String(rnd(10));
      rows.push(row(p, i));
    }
    const big = new PrefixIndex(rows);
    for (let i = 0; i < 2000; i++) {
      let d = String(1 + rnd(9));
      for (let k = 0; k < 10; k++) d += String(rnd(10));
      let best: Tariff | undefined;
      for (const r of rows) if (d.startsWith(r.prefix) && (!best || r.prefix.length > best.prefix.length)) best = r;
      expect(big.lookup(d, 0)?.prefix).toBe(best?.prefix);
    }
  });

  it('answers exactly around the fast window: sub-second effective dates, future rows, open ends', () => {
    const t = new PrefixIndex([row('4930', 1, 0, 10_500), row('4930', 2, 10_500), row('49', 3, 0, 2_000_000)]);
    expect(t.lookup('+4930123456', 10_499)?.rateMicrosPerMin).toBe(1);
    expect(t.lookup('+4930123456', 10_500)?.rateMicrosPerMin).toBe(2);
    expect(t.lookup('+4930123456', 10_999)?.rateMicrosPerMin).toBe(2);
    expect(t.lookup('+4939123456', 1_999_999)?.rateMicrosPerMin).toBe(3);
    expect(t.lookup('+4939123456', 2_000_000)).toBeUndefined();
    expect(t.lookup('+4939123456', -1)).toBeUndefined();
  });

  it('does not match a prefix longer than the destination, and reads digits up to the first non-digit', () => {
    const t = new PrefixIndex([row('4', 1), row('49301234', 2), row('493012345678901', 3)]);
    expect(t.lookup('+4930123', 0)?.rateMicrosPerMin).toBe(1);
    expect(t.lookup('+49301234', 0)?.rateMicrosPerMin).toBe(2);
    expect(t.lookup('+49301234;x', 0)?.rateMicrosPerMin).toBe(2);
    expect(t.lookup('+4930123456789012', 0)?.rateMicrosPerMin).toBe(3);
    expect(t.lookup('+49', 0)?.rateMicrosPerMin).toBe(1);
    expect(t.lookup('+', 0)).toBeUndefined();
  });

  it('agrees with a naive scan on prefixes of every length with dated rows', () => {
    let seed = 11;
    const rnd = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    for (const count of [30, 2_000, 6_000]) {
      const rows: Tariff[] = [];
      for (let i = 0; i < count; i++) {
        let p = String(1 + rnd(3));
        const len = 1 + rnd(15);
        for (let k = 1; k < len; k++) p += String(rnd(3));
        const from = rnd(4) === 0 ? rnd(5) * 1_000 + rnd(2) * 250 : 0;
        const to = rnd(5) === 0 ? from + 1 + rnd(3_000) : null;
        rows.push(row(p, i, from, to));
      }
      const idx = new PrefixIndex(rows);
      for (let i = 0; i < 1500; i++) {
        let d = String(1 + rnd(3));
        const len = 1 + rnd(17);
        for (let k = 1; k < len; k++) d += String(rnd(3));
        const at = rnd(7_000);
        let best: Tariff | undefined;
        for (const r of rows) {
          if (!d.slice(0, 15).startsWith(r.prefix) || r.effectiveFromMs > at || (r.effectiveToMs !== null && at >= r.effectiveToMs)) continue;
          if (!best || r.prefix.length > best.prefix.length || (r.prefix.length === best.prefix.length && r.effectiveFromMs > best.effectiveFromMs)) best = r;
        }
        expect(idx.lookup(`+${d}`, at)?.rateMicrosPerMin, `${d} at ${at}`).toBe(best?.rateMicrosPerMin);
      }
    }
  });

  it('answers at the edges of a longer prefix under a stem, with its dates', () => {
    // 100 distinct prefixes → 2-digit stems; under stem "49" one longer prefix, 4930 (dated)
    const rows = [row('4', 1), row('4930', 2, 5_000, 9_000)];
    for (let p = 10; rows.length < 100; p++) if (p !== 49 && p !== 40) rows.push(row(String(p), 100 + p));
    const t = new PrefixIndex(rows);
    expect(t.lookup('+4929999999', 6_000)?.rateMicrosPerMin).toBe(1);
    expect(t.lookup('+4930000000', 6_000)?.rateMicrosPerMin).toBe(2);
    expect(t.lookup('+4930999999', 6_000)?.rateMicrosPerMin).toBe(2);
    expect(t.lookup('+4931000000', 6_000)?.rateMicrosPerMin).toBe(1);
    expect(t.lookup('+4930555', 4_999)?.rateMicrosPerMin).toBe(1);
    expect(t.lookup('+4930555', 9_000)?.rateMicrosPerMin).toBe(1);
    expect(t.lookup('+493', 6_000)?.rateMicrosPerMin).toBe(1);
    expect(t.lookup('+4930', 6_000)?.rateMicrosPerMin).toBe(2);
    expect(t.lookup('+1234567', 0)?.rateMicrosPerMin).toBe(112);
  });

  it('agrees with a naive scan on a sparse deck (stems with none, one and several longer prefixes)', () => {
    let seed = 5;
    const rnd = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    const rows: Tariff[] = [];
    for (let i = 0; i < 12_000; i++) {
      let p = String(1 + rnd(9));
      const len = 1 + rnd(15);
      for (let k = 1; k < len; k++) p += String(rnd(10));
      rows.push(row(p, i, rnd(6) === 0 ? 1_000 : 0, rnd(9) === 0 ? 3_000 : null));
    }
    const idx = new PrefixIndex(rows);
    for (let i = 0; i < 1_000; i++) {
      const base = rows[rnd(rows.length)]?.prefix ?? '1';
      let d = i % 2 === 0 ? base : String(1 + rnd(9));
      const len = 1 + rnd(16);
      while (d.length < len) d += String(rnd(10));
      const at = rnd(4_000);
      let best: Tariff | undefined;
      for (const r of rows) {
        if (!d.slice(0, 15).startsWith(r.prefix) || r.effectiveFromMs > at || (r.effectiveToMs !== null && at >= r.effectiveToMs)) continue;
        if (!best || r.prefix.length > best.prefix.length || (r.prefix.length === best.prefix.length && r.effectiveFromMs > best.effectiveFromMs)) best = r;
      }
      expect(idx.lookup(`+${d}`, at)?.rateMicrosPerMin, `${d} at ${at}`).toBe(best?.rateMicrosPerMin);
    }
  });
});

describe('PrefixIndex fast path at every stem width', () => {
  /** Naive scan: the longest prefix of d's first 15 digits effective at `at`, newest first. */
  function naive(rows: readonly Tariff[], d: string, at: number): Tariff | undefined {
    let best: Tariff | undefined;
    for (const r of rows) {
      if (!d.slice(0, 15).startsWith(r.prefix) || r.effectiveFromMs > at || (r.effectiveToMs !== null && at >= r.effectiveToMs)) continue;
      if (!best || r.prefix.length > best.prefix.length || (r.prefix.length === best.prefix.length && r.effectiveFromMs > best.effectiveFromMs)) best = r;
    }
    return best;
  }

  function deck(seed0: number, count: number, dated: boolean): Tariff[] {
    let seed = seed0;
    const rnd = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    const rows: Tariff[] = [];
    for (let i = 0; i < count; i++) {
      let p = String(1 + rnd(3));
      const len = 1 + rnd(15);
      for (let k = 1; k < len; k++) p += String(rnd(3));
      rows.push(row(p, i, dated && rnd(4) === 0 ? rnd(3) * 1_000 : 0, dated && rnd(6) === 0 ? 2_500 : null));
    }
    return rows;
  }

  for (const dated of [false, true]) {
    it(`agrees with a naive scan for stem widths 1–7 (${dated ? 'dated rows: each fast answer is checked on its row' : 'open rows: fast answers are taken unread'})`, () => {
      const rows = deck(dated ? 21 : 22, 1_500, dated);
      let seed = 3;
      const rnd = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
      const probes: [string, number][] = [];
      for (let i = 0; i < 600; i++) {
        let d = i % 2 === 0 ? (rows[rnd(rows.length)]?.prefix ?? '1') : String(1 + rnd(3));
        const len = 1 + rnd(17);
        if (i % 3 === 0) d = d.slice(0, Math.max(1, d.length - 1 - rnd(3))); // shorter than a prefix
        while (d.length < len) d += String(rnd(3));
        probes.push([d, rnd(4_000)]);
      }
      for (let stemDigits = 1; stemDigits <= 7; stemDigits++) {
        const idx = new PrefixIndex(rows, { stemDigits });
        for (const [d, at] of probes) expect(idx.lookup(`+${d}`, at), `${d} at ${at}, ${stemDigits}-digit stems`).toBe(naive(rows, d, at));
      }
    });
  }

  it('does not take a longer prefix found at the zero-padded point of a short destination', () => {
    // open rows, so only the destination length sends the answer to be checked
    const t = new PrefixIndex([row('1', 1), row('1200000', 2), row('12000000009', 3)], { stemDigits: 2 });
    expect(t.lookup('+12', 0)?.rateMicrosPerMin).toBe(1);
    expect(t.lookup('+120000', 0)?.rateMicrosPerMin).toBe(1);
    expect(t.lookup('+1200000', 0)?.rateMicrosPerMin).toBe(2);
    expect(t.lookup('+1200000000', 0)?.rateMicrosPerMin).toBe(2);
    expect(t.lookup('+12000000009', 0)?.rateMicrosPerMin).toBe(3);
    expect(t.lookup('+120000000091234', 0)?.rateMicrosPerMin).toBe(3);
  });

  it('sends stems with prefixes longer than stem + 9 digits to the exact path', () => {
    const t = new PrefixIndex([row('4', 1), row('4912345678901', 2), row('4912345678902', 3, 1_000)], { stemDigits: 2 });
    expect(t.lookup('+4912345678901', 0)?.rateMicrosPerMin).toBe(2);
    expect(t.lookup('+4912345678902', 0)?.rateMicrosPerMin).toBe(1);
    expect(t.lookup('+4912345678902', 1_000)?.rateMicrosPerMin).toBe(3);
    expect(t.lookup('+4999', 0)?.rateMicrosPerMin).toBe(1);
    expect(t.lookup('+5', 0)).toBeUndefined();
  });

  it('rejects a stem width outside 1–7', () => {
    expect(() => new PrefixIndex([row('4', 1)], { stemDigits: 0 })).toThrow(RangeError);
    expect(() => new PrefixIndex([row('4', 1)], { stemDigits: 8 })).toThrow(RangeError);
    expect(() => new PrefixIndex([row('4', 1)], { stemDigits: 2.5 })).toThrow(RangeError);
  });
});
