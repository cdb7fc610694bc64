import { describe, expect, it } from 'vitest';
import { CryptoIdSource } from './id-source.js';
import { RandomPool, type RandomFill } from './random-pool.js';

/** A fill that writes a running byte counter, so reuse or skipped bytes show in the output. */
function countingFill(): { fill: RandomFill; calls: () => number } {
  let next = 0;
  let calls = 0;
  return {
    fill: (buf) => {
      calls++;
      for (let i = 0; i < buf.length; i++) buf[i] = next++ & 0xff;
    },
    calls: () => calls,
  };
}

describe('RandomPool', () => {
  it('hands out every byte once, in order, refilling when short', () => {
    const f = countingFill();
    const pool = new RandomPool(16, f.fill);
    const out = [pool.hex(5), pool.hex(5), pool.hex(5), pool.hex(5)];
    // 15 bytes from the first fill (one left unused), then a refill for the fourth id.
    expect(out.slice(0, 3).join('')).toBe(Buffer.from([...Array(15).keys()]).toString('hex'));
    expect(out[3]).toBe(Buffer.from([16, 17, 18, 19, 20]).toString('hex'));
    expect(f.calls()).toBe(2);
  });

  it('serves requests larger than the pool on their own', () => {
    const f = countingFill();
    expect(new RandomPool(8, f.fill).hex(20)).toHaveLength(40);
    expect(f.calls()).toBe(1);
  });

  it('makes unique, well-formed ids from crypto bytes across many refills', () => {
    const ids = new CryptoIdSource(new RandomPool(64));
    const tags = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const t = ids.tag();
      expect(t).toMatch(/^[0-9a-f]{16}$/);
      tags.add(t);
    }
    expect(tags.size).toBe(20_000);
    expect(ids.branch()).toMatch(/^z9hG4bK[0-9a-f]{20}$/);
    expect(ids.callId()).toMatch(/^[0-9a-f]{32}$/);
  });
});
