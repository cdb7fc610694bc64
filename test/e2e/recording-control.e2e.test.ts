/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- HTTP response bodies are untyped JSON; the assertions check their shape. */
// Issue 9 through the real call path (sip-server, switch, rtpengine, rater, control API, PostgreSQL,
// Redis) with a real softphone (baresip, SRTP) and an echoing carrier (sipp): a staff diagnostic
// window on a number records that number's call although the workspace's recording is off, and a
// client starts then stops recording a live call by its Call-ID through the API (rtpengine's
// start/stop recording mid-call). The recordings and the CDRs say which rule recorded the call.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SystemClock } from '#lib/clock/index.js';
import { loadConfig } from '#lib/config/index.js';
import { CryptoIdSource } from '#lib/ids/index.js';
import { createLogger } from '#lib/log/index.js';
import { deriveKey } from '#lib/secret-box/index.js';
import { EncryptedRecordingStore, LocalDiskStorage } from '#media/index.js';
import { currentTotp } from '#control-api/auth/credentials.js';
import { createStaffUser } from '#control-api/auth/staff-users.js';
import { apiConfigSchema } from '#control-api/config.js';
import { inScope } from '#control-api/db/scope.js';
import { SECRET_PURPOSE, startApiService, type ApiService } from '#control-api/service.js';
import { startBaresipCall } from '#test/support/baresip.js';
import { startSipp } from '#test/support/sipp.js';
import { eventually, startSwitchStack, type SwitchStack } from '#test/support/switch-stack.js';
import { readWav, toneShare } from '#test/support/wav.js';

const DAY = 86_400_000;
const TOKEN_SECRET = 'e2e-recording-token-secret-0123456789';

describe('recording rules on real calls', () => {
  let stack: SwitchStack;
  let api: ApiService;
  let staff: string;
  let tenantKey: string;
  let otherKey: string;
  const clock = new SystemClock();

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${api.port}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
  };

  beforeAll(async () => {
    stack = await startSwitchStack({ digestAlgorithms: 'MD5' });
    const log = createLogger({ service: 'control-api', level: 'warn' });
    api = await startApiService(loadConfig(apiConfigSchema, { env: { PG_URL: stack.db.url, REDIS_URL: inject('redisUrl'), API_HTTP_PORT: '0', API_TOKEN_SECRET: TOKEN_SECRET, LOG_LEVEL: 'warn' }, files: [] }), log);
    const ids = new CryptoIdSource();
    const password = 'correct horse battery staple';
    const { otpauthUri } = await inScope(api.pool, 'staff', (c) =>
      createStaffUser(c, { email: `support-${ids.hex(4)}@example.test`, displayName: 'Support', role: 'support', password }, { secretKey: deriveKey(TOKEN_SECRET, SECRET_PURPOSE), ids }),
    );
    const email = decodeURIComponent(new URL(otpauthUri).pathname.split(':').pop() ?? '');
    const login = await fetch(`http://127.0.0.1:${api.port}/v1/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, totp: currentTotp(new URL(otpauthUri).searchParams.get('secret') ?? '', clock) }),
    });
    staff = ((await login.json()) as { token: string }).token;
    tenantKey = (await call('POST', `/v1/staff/tenants/${stack.fx.tenantId}/api-keys`, staff, { name: 'e2e', scopes: ['read', 'write'] })).body.key;
    const other = await call('POST', '/v1/staff/tenants', staff, { name: 'Other', country: 'GB', defaultDialPrefix: '44', currency: 'GBP', sipRealm: `o${ids.hex(3)}.sip.test` });
    otherKey = (await call('POST', `/v1/staff/tenants/${other.body.id}/api-keys`, staff, { name: 'o', scopes: ['read', 'write'] })).body.key;
    // Recording is off for the workspace and its numbers (the default); alice calls out as didToUsers.
    await stack.pool.query('UPDATE tenants SET recording_enabled = false WHERE id = $1', [stack.fx.tenantId]);
    await stack.pool.query('UPDATE sip_users SET caller_id_e164 = $1 WHERE id = $2', [stack.fx.didToUsers, stack.fx.aliceId]);
  });
  afterAll(async () => {
    await api.shutdown.run('test done');
    await stack.stop();
  });

  const startCall = async (dialled: string, seconds: number) => {
    const carrier = await startSipp({ scenario: 'builtin:uas', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: 1, timeoutSec: 30, extraArgs: ['-rtp_echo'] });
    const phone = await startBaresipCall({ user: 'alice', realm: stack.fx.realm, password: 'alice-pw', proxy: stack.sip.sipTarget, dial: `sip:${dialled}@${stack.fx.realm}`, seconds, toneHz: 1_000 });
    return {
      phone,
      done: async () => {
        await phone.done;
        await carrier.done.catch(() => undefined);
      },
    };
  };
  const recordingOf = async (called: string) =>
    (await stack.pool.query<{ kind: string | null; expires_at: Date; duration_ms: number; storage_key: string; recorded: boolean; recording_kind: string | null; answer_at: Date; end_at: Date }>(
      `SELECT r.kind, r.expires_at, r.duration_ms, r.storage_key, c.recorded, c.recording_kind, c.answer_at, c.end_at
         FROM cdrs c LEFT JOIN recordings r ON r.call_id = c.call_id WHERE c.called_number = $1`,
      [called],
    )).rows;

  it('records the call of a number staff flagged for troubleshooting while the workspace\'s recording is off; deleted when the window closes', async () => {
    const numberId = (await stack.pool.query<{ id: string }>('SELECT id FROM numbers WHERE e164 = $1', [stack.fx.didToUsers])).rows[0]!.id;
    const flag = await call('POST', `/v1/staff/tenants/${stack.fx.tenantId}/diagnostic-recordings`, staff, { numberId, reason: 'ticket 42: choppy audio' });
    expect(flag.status, flag.text).toBe(201);
    await new Promise((r) => setTimeout(r, 200)); // the tenant change event reaches the switch
    const c = await startCall('02079460061', 5);
    await c.done();
    await eventually(async () => (await recordingOf('+442079460061')).length === 1, 'the CDR');
    const [row] = await recordingOf('+442079460061');
    expect(row).toMatchObject({ kind: 'diagnostic', recorded: true, recording_kind: 'diagnostic' });
    expect(row!.expires_at.toISOString()).toBe(flag.body.endsAt);
    expect(row!.expires_at.getTime() - Date.now()).toBeLessThanOrEqual(7 * DAY);
    expect(row!.duration_ms).toBeGreaterThan(2_000);
    // Closing the window: the recording expires now (the retention job deletes it on its next run).
    const closed = await call('DELETE', `/v1/staff/tenants/${stack.fx.tenantId}/diagnostic-recordings/${flag.body.id}`, staff);
    expect(closed.status).toBe(200);
    const [after] = await recordingOf('+442079460061');
    expect(after!.expires_at.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('starts and stops recording a live call through the API by its Call-ID; another workspace gets 404; the CDR says client-recorded', async () => {
    await new Promise((r) => setTimeout(r, 200)); // the closed window has left the switch's cache
    const c = await startCall('02079460062', 14);
    // The machine may be busy: allow the answer up to 20 s, and say what baresip saw if it never came.
    await eventually(() => stack.switch.active.size === 1, 'the call to be answered')
      .catch(() => eventually(() => stack.switch.active.size === 1, 'the call to be answered'))
      .catch(async (err: unknown) => {
        throw new Error(`${(err as Error).message}; baresip said:\n${(await c.phone.done).output.slice(-3_000)}`);
      });
    const callId = [...stack.switch.active.keys()][0] ?? '';
    const path = `/v1/calls/${encodeURIComponent(callId)}/recording`;
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await call('POST', path, otherKey)).status).toBe(404);
    const started = await call('POST', path, tenantKey);
    expect(started.status, started.text).toBe(200);
    expect(started.body).toEqual({ callId, recording: true, result: 'started' });
    expect((await call('POST', path, tenantKey)).body.result).toBe('already_recording');
    await new Promise((r) => setTimeout(r, 3_000));
    const stopped = await call('DELETE', path, tenantKey);
    expect(stopped.body).toEqual({ callId, recording: false, result: 'stopped' });
    await c.done();
    await eventually(async () => (await recordingOf('+442079460062')).some((r) => r.kind !== null), 'the recording');
    const [row] = await recordingOf('+442079460062');
    expect(row).toMatchObject({ kind: 'client', recorded: true, recording_kind: 'client' });
    // Only the 3 s between start and stop were recorded, out of a longer call.
    const callMs = row!.end_at.getTime() - row!.answer_at.getTime();
    expect(row!.duration_ms).toBeGreaterThan(1_500);
    expect(row!.duration_ms).toBeLessThan(Math.min(5_000, callMs - 1_000));
    const store = new EncryptedRecordingStore(new LocalDiskStorage(stack.recordingStoreDir), stack.recordingKey);
    const wav = await store.read(row!.storage_key, 0, (await store.length(row!.storage_key)) ?? 0);
    expect(Math.max(...[0, 1].map((ch) => toneShare(readWav(wav, ch).samples, 8_000, 1_000)))).toBeGreaterThan(0.3);
    // After the call the command finds no live call.
    expect((await call('POST', path, tenantKey)).status).toBe(404);
  });
});
