import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LocalDiskStorage } from './blob-storage.js';
import { EncryptedRecordingStore } from './encrypted-recording.js';

const newStore = (chunk = 1_000) => {
  const disk = new LocalDiskStorage(mkdtempSync(join(tmpdir(), 'rec-')));
  return { disk, store: new EncryptedRecordingStore(disk, randomBytes(32), chunk) };
};

describe('EncryptedRecordingStore', () => {
  it('returns any byte range of what it stored, and never stores plaintext', async () => {
    const { disk, store } = newStore();
    const plain = Buffer.from(Array.from({ length: 5_432 }, (_, i) => (i * 7) % 251));
    await store.put('t1/r1.wav', plain);
    expect(await store.length('t1/r1.wav')).toBe(plain.length);
    expect((await disk.readAll('t1/r1.wav')).includes(plain.subarray(100, 140))).toBe(false);
    await fc.assert(
      fc.asyncProperty(fc.nat(6_000), fc.nat(6_000), async (a, b) => {
        const [start, end] = a <= b ? [a, b] : [b, a];
        expect((await store.read('t1/r1.wav', start, end)).equals(plain.subarray(start, end))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a tampered chunk, a truncated file and a wrong key', async () => {
    const { disk, store } = newStore();
    const plain = randomBytes(3_500);
    await store.put('r.wav', plain);
    const sealed = await disk.readAll('r.wav');
    const tampered = Buffer.from(sealed);
    tampered[40] = (tampered[40] ?? 0) ^ 1;
    await disk.put('bad.wav', tampered);
    await expect(store.read('bad.wav', 0, 10)).rejects.toThrow();
    await disk.put('short.wav', sealed.subarray(0, sealed.length - 1_016));
    await expect(store.read('short.wav', 0, 3_500)).rejects.toThrow();
    const other = new EncryptedRecordingStore(disk, randomBytes(32), 1_000);
    await expect(other.read('r.wav', 0, 10)).rejects.toThrow();
    expect((await store.read('r.wav', 0, 3_500)).equals(plain)).toBe(true);
  });

  it('keeps keys inside its folder', async () => {
    const { store } = newStore();
    await expect(store.put('../escape.wav', Buffer.from('x'))).rejects.toThrow(/bad storage key/);
    expect(await store.length('missing.wav')).toBeUndefined();
  });
});
