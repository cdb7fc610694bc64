import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { TtlCache } from './ttl-cache.js';

describe('TtlCache', () => {
  it('serves hits within the TTL, reloads after it, and evicts the oldest when full', async () => {
    const clock = new SimulatedClock();
    const cache = new TtlCache<number>(clock, 1_000, 2);
    let loads = 0;
    const load = () => Promise.resolve(++loads);
    expect(await cache.get('a', load)).toBe(1);
    expect(await cache.get('a', load)).toBe(1);
    clock.advance(1_001);
    expect(await cache.get('a', load)).toBe(2);
    await cache.get('b', load);
    await cache.get('c', load);
    expect(cache.size).toBe(2);
    expect(await cache.get('a', load)).toBe(5); // 'a' was the oldest and went first
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
