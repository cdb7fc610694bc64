import { describe, expect, it } from 'vitest';
import { usableSmsBundles, type SmsBundle } from './sms-catalog.js';

const T = 1_000_000;
const bundle = (id: string, over: Partial<SmsBundle> = {}): SmsBundle => ({ id, prefixes: ['44'], remaining: 1, creditedAtMs: T - 10, expiresAtMs: T + 100, ...over });

describe('usableSmsBundles', () => {
  it('keeps bundles that cover the destination, are credited and unexpired at the time and have messages left', () => {
    const all = [
      bundle('ok'),
      bundle('other-prefix', { prefixes: ['33', '4420'] }),
      bundle('empty', { remaining: 0 }),
      bundle('future', { creditedAtMs: T + 1 }),
      bundle('expired', { expiresAtMs: T }),
      bundle('elsewhere', { prefixes: ['1'] }),
    ];
    expect(usableSmsBundles(all, '442079460000', T).map((b) => b.id)).toEqual(['ok', 'other-prefix']);
  });

  it('orders by soonest expiry, ties by id', () => {
    const all = [bundle('c', { expiresAtMs: T + 50 }), bundle('b', { expiresAtMs: T + 20 }), bundle('a', { expiresAtMs: T + 50 })];
    expect(usableSmsBundles(all, '4420', T).map((b) => b.id)).toEqual(['b', 'a', 'c']);
  });
});
