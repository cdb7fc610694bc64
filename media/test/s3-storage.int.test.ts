// The S3-compatible recording store against an object server on a real port: signed requests, ranged
// reads, sizes, deletes, and encrypted recordings read back through it.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncryptedRecordingStore, S3BlobStorage } from '#media/index.js';
import { startFakeS3, type FakeS3 } from '#test/support/fakes/s3-server.js';

describe('S3 recording store', () => {
  let s3: FakeS3;
  let storage: S3BlobStorage;

  beforeAll(async () => {
    s3 = await startFakeS3();
    storage = new S3BlobStorage({ url: s3.url, region: 'eu-west-1', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
  });
  afterAll(() => s3.close());

  it('puts, reads byte ranges, sizes and deletes objects with signed requests', async () => {
    const data = Buffer.from(Array.from({ length: 1_000 }, (_, i) => i % 256));
    await storage.put('t1/2026/06/01/a.wav', data);
    expect(s3.objects.get('t1/2026/06/01/a.wav')).toEqual(data);
    expect(await storage.size('t1/2026/06/01/a.wav')).toBe(1_000);
    expect(await storage.read('t1/2026/06/01/a.wav', 10, 20)).toEqual(data.subarray(10, 20));
    expect(await storage.read('t1/2026/06/01/a.wav', 990, 2_000)).toEqual(data.subarray(990));
    expect(await storage.read('t1/2026/06/01/a.wav', 5, 5)).toEqual(Buffer.alloc(0));
    await storage.delete('t1/2026/06/01/a.wav');
    expect(await storage.size('t1/2026/06/01/a.wav')).toBeUndefined();
    await storage.delete('t1/2026/06/01/a.wav'); // deleting twice is fine
  });

  it('refuses bad keys before any request, and reports a refused credential', async () => {
    const before = s3.requests.length;
    await expect(storage.put('../etc/passwd', Buffer.from('x'))).rejects.toThrow(/bad storage key/);
    expect(s3.requests.length).toBe(before);
    const wrong = new S3BlobStorage({ url: s3.url, region: 'eu-west-1', accessKeyId: 'AKIAOTHER', secretAccessKey: 'x'.repeat(20) });
    await expect(wrong.put('t1/b.wav', Buffer.from('x'))).rejects.toThrow(/403/);
  });

  it('stores encrypted recordings: the object server never sees the audio, reads decrypt any range', async () => {
    const key = randomBytes(32);
    const store = new EncryptedRecordingStore(storage, key);
    const audio = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) % 251));
    await store.put('t1/c.wav', audio);
    const sealed = s3.objects.get('t1/c.wav')!;
    expect(sealed.includes(audio.subarray(1_000, 1_064))).toBe(false);
    expect(await store.length('t1/c.wav')).toBe(audio.length);
    expect(await store.read('t1/c.wav', 70_000, 140_000)).toEqual(audio.subarray(70_000, 140_000));
  });
});
