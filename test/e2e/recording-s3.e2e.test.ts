// Issue 9, the recording store's production target: with RECORDING_S3_URL the switch stores a
// recorded call's encrypted WAV in an S3-compatible bucket (an object server on a real port), the
// decrypted object plays the caller's tone, and the retention job deletes it from the bucket when it
// expires, not one millisecond before.
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { createLogger } from '#lib/log/index.js';
import { EncryptedRecordingStore, S3BlobStorage } from '#media/index.js';
import { createRetentionMetrics, runRetentionJob } from '#workers/retention/retention-jobs.js';
import { startBaresipCall } from '#test/support/baresip.js';
import { startFakeS3, type FakeS3 } from '#test/support/fakes/s3-server.js';
import { startSipp } from '#test/support/sipp.js';
import { eventually, startSwitchStack, type SwitchStack } from '#test/support/switch-stack.js';
import { readWav, toneShare } from '#test/support/wav.js';

describe('recordings in an S3-compatible bucket', () => {
  let s3: FakeS3;
  let stack: SwitchStack;

  beforeAll(async () => {
    s3 = await startFakeS3();
    stack = await startSwitchStack({
      digestAlgorithms: 'MD5',
      switchEnv: { RECORDING_S3_URL: s3.url, RECORDING_S3_REGION: 'eu-west-1', RECORDING_S3_ACCESS_KEY_ID: s3.accessKeyId, RECORDING_S3_SECRET_ACCESS_KEY: s3.secretAccessKey },
    });
    await stack.pool.query('UPDATE tenants SET recording_enabled = true WHERE id = $1', [stack.fx.tenantId]);
  });
  afterAll(async () => {
    await stack.stop();
    await s3.close();
  });

  it('stores the encrypted recording in the bucket, playable, and the retention job deletes it there at expiry', async () => {
    const carrier = await startSipp({ scenario: 'builtin:uas', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: 1, timeoutSec: 30, extraArgs: ['-rtp_echo'] });
    const phone = await startBaresipCall({ user: 'alice', realm: stack.fx.realm, password: 'alice-pw', proxy: stack.sip.sipTarget, dial: `sip:02079460071@${stack.fx.realm}`, seconds: 6, toneHz: 1_000 });
    await phone.done;
    await carrier.done.catch(() => undefined);
    const row = async () => (await stack.pool.query<{ storage_key: string; expires_at: Date }>("SELECT r.storage_key, r.expires_at FROM recordings r JOIN cdrs c ON c.call_id = r.call_id WHERE c.called_number = '+442079460071'")).rows[0];
    await eventually(async () => (await row()) !== undefined, 'the recording');
    const rec = (await row())!;
    expect(s3.objects.has(rec.storage_key)).toBe(true);
    expect(s3.objects.get(rec.storage_key)!.subarray(0, 8).toString()).toBe('SSREC001');

    const storage = new S3BlobStorage({ url: s3.url, region: 'eu-west-1', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
    const store = new EncryptedRecordingStore(storage, stack.recordingKey);
    const wav = await store.read(rec.storage_key, 0, (await store.length(rec.storage_key)) ?? 0);
    expect(Math.max(...[0, 1].map((ch) => toneShare(readWav(wav, ch).samples, 8_000, 1_000)))).toBeGreaterThan(0.3);

    const clock = new SimulatedClock(rec.expires_at.getTime() - 1);
    const deps = { pool: stack.pool, storage, clock, log: createLogger({ service: 'retention', level: 'silent' }), quarantineMs: 86_400_000, techLogDir: undefined, deleted: createRetentionMetrics(new Registry()) };
    expect(await runRetentionJob('recordings', deps)).toMatchObject({ recordingsDeleted: 0 });
    expect(s3.objects.has(rec.storage_key)).toBe(true);
    clock.setNow(rec.expires_at.getTime());
    expect(await runRetentionJob('recordings', deps)).toMatchObject({ recordingsDeleted: 1 });
    expect(s3.objects.has(rec.storage_key)).toBe(false);
  });
});
