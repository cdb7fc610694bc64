import { describe, expect, it } from 'vitest';
import { CryptoIdSource, SeededIdSource } from './id-source.js';

describe('IdSource', () => {
  it('makes branches with the RFC 3261 magic cookie', () => {
    expect(new CryptoIdSource().branch()).toMatch(/^z9hG4bK[0-9a-f]{20}$/);
  });

  it('repeats a seeded sequence and differs across seeds', () => {
    const a = new SeededIdSource(7);
    const b = new SeededIdSource(7);
    const c = new SeededIdSource(8);
    const seqA = [a.tag(), a.callId(), a.uuid()];
    expect([b.tag(), b.callId(), b.uuid()]).toEqual(seqA);
    expect(c.tag()).not.toBe(seqA[0]);
    expect(seqA[2]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
