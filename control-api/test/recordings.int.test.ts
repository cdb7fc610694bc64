/* eslint-disable @typescript-eslint/no-unsafe-member-access -- HTTP response bodies are untyped JSON; the assertions check their shape. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncryptedRecordingStore, LocalDiskStorage } from '#media/index.js';
import { parseRange } from '#control-api/routes/recordings.js';
import { startHarness, type Harness } from './harness.js';

describe('call recordings API', () => {
  let h: Harness;
  let a: { id: string; key: string };
  let b: { id: string; key: string };
  let staff: string;
  let store: EncryptedRecordingStore;
  let recordingId: string;
  const audio = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31) % 256));

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'api-recordings-'));
    const key = randomBytes(32);
    h = await startHarness({ API_RECORDING_STORE_DIR: dir, RECORDING_KEY: key.toString('hex') });
    store = new EncryptedRecordingStore(new LocalDiskStorage(dir), key);
    staff = await h.staffToken('support');
    const admin = await h.staffToken('admin');
    a = await h.tenant(admin);
    b = await h.tenant(admin);
    const storageKey = `${a.id}/2026/03/15/rec1.wav`;
    await store.put(storageKey, audio);
    const now = h.clock.now();
    const r = await h.api.pool.query<{ id: string }>(
      `INSERT INTO recordings (tenant_id, call_id, started_at, duration_ms, storage_key, bytes, expires_at)
       VALUES ($1, 'call-rec-1', $2, 12500, $3, $4, $5) RETURNING id`,
      [a.id, new Date(now - 60_000), storageKey, audio.length, new Date(now + 30 * 86_400_000)],
    );
    recordingId = r.rows[0]!.id;
  });
  afterAll(() => h.close());

  it('lists the workspace\'s recordings and nobody else\'s', async () => {
    const mine = await h.call('GET', '/v1/recordings', { token: a.key });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toEqual([expect.objectContaining({ id: recordingId, callId: 'call-rec-1', durationMs: 12500, bytes: audio.length, kind: 'client' })]);
    expect((await h.call('GET', '/v1/recordings', { token: b.key })).body.items).toEqual([]);
  });

  it('plays the whole file, and byte ranges for seeking (RFC 9110 §14)', async () => {
    const whole = await fetch(`${h.base}/v1/recordings/${recordingId}/audio`, { headers: { authorization: `Bearer ${a.key}` } });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(audio)).toBe(true);
    const part = await fetch(`${h.base}/v1/recordings/${recordingId}/audio`, { headers: { authorization: `Bearer ${a.key}`, range: 'bytes=70000-70099' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 70000-70099/${audio.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(audio.subarray(70_000, 70_100))).toBe(true);
    const beyond = await fetch(`${h.base}/v1/recordings/${recordingId}/audio`, { headers: { authorization: `Bearer ${a.key}`, range: `bytes=${audio.length}-` } });
    expect(beyond.status).toBe(416);
  });

  it('hides another workspace\'s recording (404) and audits staff access', async () => {
    expect((await h.call('GET', `/v1/recordings/${recordingId}/audio`, { token: b.key })).status).toBe(404);
    expect((await h.call('DELETE', `/v1/recordings/${recordingId}`, { token: b.key })).status).toBe(404);
    const viaStaff = await fetch(`${h.base}/v1/staff/tenants/${a.id}/recordings/${recordingId}/audio`, { headers: { authorization: `Bearer ${staff}`, range: 'bytes=0-9' } });
    expect(viaStaff.status).toBe(206);
    const audit = await h.api.pool.query<{ action: string; target_id: string }>("SELECT action, target_id FROM audit_log WHERE action = 'recording.access'");
    expect(audit.rows).toEqual([{ action: 'recording.access', target_id: recordingId }]);
    expect((await h.call('GET', `/v1/staff/tenants/${b.id}/recordings/${recordingId}/audio`, { token: staff })).status).toBe(404);
  });

  it('deletes a recording with its audio, and audits the deletion', async () => {
    expect((await h.call('DELETE', `/v1/recordings/${recordingId}`, { token: a.key })).status).toBe(204);
    expect((await h.call('GET', `/v1/recordings/${recordingId}/audio`, { token: a.key })).status).toBe(404);
    expect(await store.length(`${a.id}/2026/03/15/rec1.wav`)).toBeUndefined();
    const audit = await h.api.pool.query("SELECT 1 FROM audit_log WHERE action = 'recording.delete'");
    expect(audit.rowCount).toBe(1);
  });

  it('the workspace turns recording on for all calls or one number, with a retention of 30 days or less; audited; off by default', async () => {
    expect((await h.call('GET', '/v1/recording-settings', { token: a.key })).body).toEqual({ enabled: false, retentionDays: 30 });
    const on = await h.call('PATCH', '/v1/recording-settings', { token: a.key, body: { enabled: true, retentionDays: 10 } });
    expect(on.status, on.text).toBe(200);
    expect(on.body).toEqual({ enabled: true, retentionDays: 10 });
    expect((await h.call('PATCH', '/v1/recording-settings', { token: a.key, body: { retentionDays: 31 } })).status).toBe(400);
    expect((await h.call('GET', '/v1/recording-settings', { token: b.key })).body).toEqual({ enabled: false, retentionDays: 30 });
    const audit = await h.api.pool.query("SELECT tenant_id, after FROM audit_log WHERE action = 'recording_settings.update'");
    expect(audit.rows).toEqual([{ tenant_id: a.id, after: { enabled: true, retentionDays: 10 } }]);
    // One number of the workspace.
    const number = await h.api.pool.query<{ id: string }>("INSERT INTO numbers (e164, country, number_type, monthly_price_minor, currency, status) VALUES ('+442071119999', 'GB', 'local', 0, 'GBP', 'available') RETURNING id");
    const sub = await h.call('POST', '/v1/number-subscriptions', { token: a.key, body: { numberId: number.rows[0]!.id, period: 'month' } });
    expect(sub.status, sub.text).toBe(201);
    expect(sub.body.recordingEnabled).toBe(false);
    const rec = await h.call('PATCH', `/v1/number-subscriptions/${sub.body.id}`, { token: a.key, body: { recordingEnabled: true } });
    expect(rec.body.recordingEnabled).toBe(true);
  });

  it('parses the byte ranges browsers send', () => {
    expect(parseRange(undefined, 100)).toBeUndefined();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 10 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 100 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 100 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 100 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('items=0-1', 100)).toBeUndefined();
  });
});
