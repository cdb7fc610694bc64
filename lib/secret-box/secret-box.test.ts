import { describe, expect, it } from 'vitest';
import { SeededIdSource } from '../ids/index.js';
import { deriveKey, open, seal } from './index.js';

describe('secret box', () => {
  const key = deriveKey('a-service-secret-of-some-length', 'gateway-credentials');

  it('round-trips and never stores the plaintext', () => {
    const box = seal(key, 'p4ssw0rd', new SeededIdSource(3));
    expect(box.includes(Buffer.from('p4ssw0rd'))).toBe(false);
    expect(open(key, box)).toBe('p4ssw0rd');
  });

  it('refuses a tampered box and a wrong key', () => {
    const box = seal(key, 'secret', new SeededIdSource(4));
    const tampered = Buffer.from(box);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(() => open(key, tampered)).toThrow(/authentication/);
    expect(() => open(deriveKey('another-secret-value-123', 'gateway-credentials'), box)).toThrow(/authentication/);
    expect(() => open(key, Buffer.from([9]))).toThrow(/version 1/);
  });
});
