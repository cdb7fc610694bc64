import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { billableSec, durationSecOf, floorToBoundary } from './billable.js';
import { usableBundles, type MinuteBundle } from './bundles.js';
import { maxDurationSec, rateCall } from './rate-call.js';
import { isEffective, type Tariff } from './tariff.js';

const T0 = Date.UTC(2026, 0, 1);

function tariff(over: Partial<Tariff> = {}): Tariff {
  return {
    prefix: '49',
    rateMicrosPerMin: 12_000, // 1.2 cent per minute
    connectFeeMicros: 0,
    initialIncrementSec: 60,
    subsequentIncrementSec: 60,
    currency: 'EUR',
    effectiveFromMs: T0,
    effectiveToMs: null,
    source: { kind: 'price_plan', id: 'p1', rowId: 'r1' },
    ...over,
  };
}

describe('billableSec', () => {
  it.each([
    [0, 60, 60, 0],
    [1, 60, 60, 60],
    [60, 60, 60, 60],
    [61, 60, 60, 120],
    [1, 30, 6, 30],
    [30, 30, 6, 30],
    [31, 30, 6, 36],
    [37, 30, 6, 42],
    [59, 1, 1, 59],
  ])('%i s at %i/%i bills %i s', (d, i, s, want) => {
    expect(billableSec(d, { initialIncrementSec: i, subsequentIncrementSec: s })).toBe(want);
  });

  it('rounds a partial second up', () => {
    expect(durationSecOf(1_000, 2_001)).toBe(2);
    expect(durationSecOf(null, 5_000)).toBe(0);
    expect(durationSecOf(5_000, 5_000)).toBe(0);
  });

  it('floors to the last boundary', () => {
    expect(floorToBoundary(29, { initialIncrementSec: 30, subsequentIncrementSec: 6 })).toBe(0);
    expect(floorToBoundary(41, { initialIncrementSec: 30, subsequentIncrementSec: 6 })).toBe(36);
  });
});

describe('rateCall', () => {
  it('charges a 60/60 minute rounded up once', () => {
    // 61 s → 120 s billed; 2 × 12,000 micros = 24,000 micros = 2.4 cent → 3 cent
    const r = rateCall(61, tariff());
    expect(r).toMatchObject({ billableSec: 120, moneySec: 120, amountMinor: 3, currency: 'EUR' });
  });

  it('rounds only at the end, not per increment', () => {
    // 30/6, 1.2 cent/min: 36 s = 7,200 micros = 0.72 cent → 1 cent (per-increment rounding would give 2)
    expect(rateCall(31, tariff({ initialIncrementSec: 30, subsequentIncrementSec: 6 })).amountMinor).toBe(1);
  });

  it('adds the connect fee to answered calls only', () => {
    const t = tariff({ connectFeeMicros: 50_000, rateMicrosPerMin: 60_000, initialIncrementSec: 1, subsequentIncrementSec: 1 });
    expect(rateCall(10, t).amountMinor).toBe(6); // 5 cent + 10 s × 1 cent/10 s
    expect(rateCall(0, t).amountMinor).toBe(0);
  });

  it('uses bundles first, oldest-expiring first, then money for the rest', () => {
    const bundles: MinuteBundle[] = [
      { id: 'late', remainingSec: 600, expiresAtMs: T0 + 3e9, prefixes: [] },
      { id: 'early', remainingSec: 30, expiresAtMs: T0 + 1e9, prefixes: ['49'] },
      { id: 'expired', remainingSec: 600, expiresAtMs: T0, prefixes: [] },
      { id: 'other', remainingSec: 600, expiresAtMs: T0 + 1e9, prefixes: ['33'] },
    ];
    const usable = usableBundles(bundles, '4930123', T0);
    expect(usable.map((b) => b.id)).toEqual(['early', 'late']);
    const r = rateCall(700, tariff({ initialIncrementSec: 1, subsequentIncrementSec: 1 }), usable);
    expect(r.bundleUse).toEqual([
      { bundleId: 'early', sec: 30 },
      { bundleId: 'late', sec: 600 },
    ]);
    expect(r.moneySec).toBe(70);
    expect(r.amountMinor).toBe(2); // 70 s × 200 micros/s = 14,000 micros → 1.4 → 2 cent
  });

  it('handles partial bundle use', () => {
    const r = rateCall(90, tariff(), [{ id: 'b', remainingSec: 100 }]);
    expect(r).toMatchObject({ billableSec: 120, moneySec: 20, amountMinor: 1 });
  });

  it('honours effective dates', () => {
    const t = tariff({ effectiveFromMs: T0 + 1000, effectiveToMs: T0 + 2000 });
    expect(isEffective(t, T0 + 999)).toBe(false);
    expect(isEffective(t, T0 + 1000)).toBe(true);
    expect(isEffective(t, T0 + 2000)).toBe(false);
  });

  it('uses the currency exponent (JPY has no minor unit)', () => {
    expect(rateCall(60, tariff({ currency: 'JPY', rateMicrosPerMin: 2_500_000 })).amountMinor).toBe(3);
  });

  it('refuses non-integer input', () => {
    expect(() => rateCall(1.5, tariff())).toThrow(/RATING|safe/);
  });
});

describe('maxDurationSec', () => {
  it('stops at the last increment the balance covers', () => {
    // 10 cent at 1.2 cent/min 60/60 → 8 minutes
    expect(maxDurationSec(10, 0, tariff(), 86_400)).toBe(480);
    expect(maxDurationSec(0, 0, tariff(), 86_400)).toBe(0);
    expect(maxDurationSec(0, 90, tariff(), 86_400)).toBe(60);
  });

  it('keeps the connect fee back', () => {
    const t = tariff({ connectFeeMicros: 100_000, rateMicrosPerMin: 60_000, initialIncrementSec: 1, subsequentIncrementSec: 1 });
    expect(maxDurationSec(9, 0, t, 86_400)).toBe(0);
    expect(maxDurationSec(11, 0, t, 86_400)).toBe(10);
  });

  it('caps free destinations', () => {
    expect(maxDurationSec(0, 0, tariff({ rateMicrosPerMin: 0 }), 7_200)).toBe(7_200);
  });
});

const arbTariff = fc.record({
  rate: fc.integer({ min: 0, max: 5_000_000 }),
  fee: fc.integer({ min: 0, max: 1_000_000 }),
  inc: fc.constantFrom([60, 60], [30, 6], [1, 1], [60, 1], [6, 6]),
  currency: fc.constantFrom('EUR', 'USD', 'JPY', 'KWD'),
});

function fromArb(a: { rate: number; fee: number; inc: readonly number[]; currency: string }): Tariff {
  return tariff({ rateMicrosPerMin: a.rate, connectFeeMicros: a.fee, initialIncrementSec: a.inc[0] ?? 60, subsequentIncrementSec: a.inc[1] ?? 60, currency: a.currency });
}

describe('rating properties', () => {
  it('cost is never negative, keeps the currency, and never falls as duration grows', () => {
    fc.assert(
      fc.property(arbTariff, fc.nat(100_000), fc.nat(100_000), fc.nat(5_000), (a, d1, d2, bundleSec) => {
        const t = fromArb(a);
        const [lo, hi] = d1 <= d2 ? [d1, d2] : [d2, d1];
        const b = [{ id: 'b', remainingSec: bundleSec }];
        const rLo = rateCall(lo, t, b);
        const rHi = rateCall(hi, t, b);
        expect(rLo.amountMinor).toBeGreaterThanOrEqual(0);
        expect(rHi.amountMinor).toBeGreaterThanOrEqual(rLo.amountMinor);
        expect(rHi.currency).toBe(a.currency);
        expect(rHi.billableSec).toBeGreaterThanOrEqual(hi);
        expect(rHi.moneySec + rHi.bundleUse.reduce((s, u) => s + u.sec, 0)).toBe(rHi.billableSec);
      }),
    );
  });

  it('a call of maxDurationSec costs at most the balance, one increment more costs more', () => {
    fc.assert(
      fc.property(arbTariff.filter((a) => a.rate >= 1_000), fc.nat(100_000), fc.nat(3_000), (a, money, bundleSec) => {
        const t = fromArb(a);
        const max = maxDurationSec(money, bundleSec, t, 1e12);
        const b = [{ id: 'b', remainingSec: bundleSec }];
        if (max > 0) expect(rateCall(max, t, b).amountMinor).toBeLessThanOrEqual(money);
        expect(rateCall(max + 1, t, b).amountMinor).toBeGreaterThan(money);
      }),
    );
  });
});
