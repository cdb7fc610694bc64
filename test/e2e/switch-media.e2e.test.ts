// Real media: baresip (a real softphone, SRTP mandatory) calls out through the switch to a carrier
// that echoes RTP (sipp -rtp_echo). rtpengine must carry RTP both ways, SRTP on the softphone
// leg and plain RTP on the carrier leg, and baresip must hear its own tone back.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { changeChannel, encodeChangeEvent } from '#lib/change-events/index.js';
import { createLogger } from '#lib/log/index.js';
import { EncryptedRecordingStore, LocalDiskStorage, MediaSession, NgClient, type LegStats } from '#media/index.js';
import { startBaresipCall } from '#test/support/baresip.js';
import { startSipp } from '#test/support/sipp.js';
import { eventually, startSwitchStack, type SwitchStack } from '#test/support/switch-stack.js';
import { readWav, toneShare } from '#test/support/wav.js';

describe('real media through rtpengine', () => {
  let stack: SwitchStack;
  let ng: NgClient;
  const log = createLogger({ service: 'media-e2e', level: 'silent' });

  beforeAll(async () => {
    // baresip 1.0 (libre) refuses the whole challenge when one of them is not MD5.
    stack = await startSwitchStack({ digestAlgorithms: 'MD5' });
    ng = new NgClient({ target: inject('rtpengineNg'), log });
  });
  afterAll(async () => {
    ng.close();
    await stack.stop();
  });

  it('carries an SRTP softphone call to a plain-RTP carrier both ways, encrypted on the softphone leg', async () => {
    const carrier = await startSipp({
      scenario: 'builtin:uas',
      localAddress: '127.0.0.2',
      localPort: stack.gatewayPorts[0],
      calls: 1,
      timeoutSec: 30,
      extraArgs: ['-rtp_echo'],
    });
    const phone = await startBaresipCall({
      user: 'alice',
      realm: stack.fx.realm,
      password: 'alice-pw',
      proxy: stack.sip.sipTarget,
      dial: `sip:02079460051@${stack.fx.realm}`,
      seconds: 7,
      toneHz: 1_000,
    });
    await eventually(() => stack.switch.active.size === 1, 'the call to be answered').catch(async (err: unknown) => {
      const r = await phone.done;
      throw new Error(`${(err as Error).message}; baresip said:\n${r.output.slice(-3_000)}`);
    });
    const callId = [...stack.switch.active.keys()][0] ?? '';
    await new Promise((r) => setTimeout(r, 2_500));
    const stats: LegStats[] = await new MediaSession({ ng, callId, log }).stats();
    const result = await phone.done;
    await carrier.done.catch(() => undefined);

    const phoneLeg = stats.find((s) => s.protocol === 'RTP/SAVP');
    const carrierLeg = stats.find((s) => s.protocol === 'RTP/AVP');
    expect(phoneLeg, JSON.stringify(stats)).toBeDefined();
    expect(carrierLeg, JSON.stringify(stats)).toBeDefined();
    expect(phoneLeg!.packets).toBeGreaterThan(50);
    expect(carrierLeg!.packets).toBeGreaterThan(50);

    expect(result.decodedWav, result.output.slice(-2_000)).toBeDefined();
    const heard = readWav(result.decodedWav!);
    expect(heard.samples.length).toBeGreaterThan(heard.rate * 2);
    expect(toneShare(heard.samples, heard.rate, 1_000)).toBeGreaterThan(0.5);
  });

  it('records a call only when the workspace turned recording on, encrypted, with the tone audible', async () => {
    const runCall = async (dialled: string) => {
      const carrier = await startSipp({ scenario: 'builtin:uas', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: 1, timeoutSec: 30, extraArgs: ['-rtp_echo'] });
      const phone = await startBaresipCall({ user: 'alice', realm: stack.fx.realm, password: 'alice-pw', proxy: stack.sip.sipTarget, dial: `sip:${dialled}@${stack.fx.realm}`, seconds: 5, toneHz: 1_000 });
      await phone.done;
      await carrier.done.catch(() => undefined);
    };
    const recordingsFor = async (digits: string) =>
      (await stack.pool.query<{ storage_key: string; duration_ms: number; expires_at: Date; started_at: Date; call_id: string }>(
        'SELECT r.storage_key, r.duration_ms, r.expires_at, r.started_at, r.call_id FROM recordings r JOIN cdrs c ON c.call_id = r.call_id WHERE c.called_number = $1',
        [`+44${digits.slice(1)}`],
      )).rows;

    // Off (the default): no recording row, and nothing left in rtpengine's spool.
    await runCall('02079460052');
    await eventually(async () => (await stack.pool.query("SELECT 1 FROM cdrs WHERE called_number = '+442079460052'")).rowCount === 1, 'the unrecorded CDR');
    expect(await recordingsFor('02079460052')).toEqual([]);
    const spool = join(inject('recordingSpoolDir'), 'pcaps');
    const unrecordedCall = (await stack.pool.query<{ call_id: string }>("SELECT call_id FROM cdrs WHERE called_number = '+442079460052'")).rows[0]!.call_id;
    expect(readdirSync(spool).filter((f) => f.startsWith(encodeURIComponent(unrecordedCall)))).toEqual([]);

    // On: one encrypted recording that plays the caller's tone, kept 30 days.
    await stack.pool.query('UPDATE tenants SET recording_enabled = true WHERE id = $1', [stack.fx.tenantId]);
    // As the control API does after a write: the switch's directory cache drops the tenant at once.
    const publisher = new Redis(inject('redisUrl'));
    await publisher.publish(changeChannel('tenant'), encodeChangeEvent({ v: 1, entity: 'tenant', op: 'updated', id: stack.fx.tenantId, tenantId: stack.fx.tenantId, at: Date.now(), fields: ['recording_enabled'] }));
    publisher.disconnect();
    await new Promise((r) => setTimeout(r, 200));
    await runCall('02079460053');
    await eventually(async () => (await recordingsFor('02079460053')).length === 1, 'the recording');
    const [rec] = await recordingsFor('02079460053');
    expect(rec!.expires_at.getTime() - rec!.started_at.getTime()).toBe(30 * 86_400_000);
    expect(rec!.duration_ms).toBeGreaterThan(2_000);
    const sealed = readFileSync(join(stack.recordingStoreDir, ...rec!.storage_key.split('/')));
    expect(sealed.subarray(0, 8).toString()).toBe('SSREC001');
    const store = new EncryptedRecordingStore(new LocalDiskStorage(stack.recordingStoreDir), stack.recordingKey);
    const wav = await store.read(rec!.storage_key, 0, (await store.length(rec!.storage_key)) ?? 0);
    const shares = [0, 1].map((ch) => toneShare(readWav(wav, ch).samples, 8_000, 1_000));
    expect(Math.max(...shares)).toBeGreaterThan(0.3);
    expect(readdirSync(spool).filter((f) => f.startsWith(encodeURIComponent(rec!.call_id)))).toEqual([]);
    // The CDRs say which call was recorded.
    const flags = await stack.pool.query<{ called_number: string; recorded: boolean }>(
      "SELECT called_number, recorded FROM cdrs WHERE called_number IN ('+442079460052', '+442079460053') ORDER BY called_number",
    );
    expect(flags.rows).toEqual([
      { called_number: '+442079460052', recorded: false },
      { called_number: '+442079460053', recorded: true },
    ]);
  });
});
