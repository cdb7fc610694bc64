// WebRTC-style media: baresip with DTLS-SRTP (mediaenc=dtls_srtp, UDP/TLS/RTP/SAVPF) calls out
// through the switch to a carrier that echoes plain RTP. rtpengine must run DTLS-SRTP on the
// softphone leg and plain RTP toward the carrier, with packets flowing both ways.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '#lib/log/index.js';
import { MediaSession, NgClient, type LegStats } from '#media/index.js';
import { startBaresipCall } from '#test/support/baresip.js';
import { startSipp } from '#test/support/sipp.js';
import { eventually, startSwitchStack, type SwitchStack } from '#test/support/switch-stack.js';
import { readWav, toneShare } from '#test/support/wav.js';

describe('WebRTC-style softphone (DTLS-SRTP) through rtpengine', () => {
  let stack: SwitchStack;
  let ng: NgClient;
  const log = createLogger({ service: 'webrtc-e2e', level: 'silent' });

  beforeAll(async () => {
    // baresip 1.0 (libre) refuses the whole challenge when one of them is not MD5.
    stack = await startSwitchStack({ digestAlgorithms: 'MD5' });
    ng = new NgClient({ target: inject('rtpengineNg'), log });
  });
  afterAll(async () => {
    ng.close();
    await stack.stop();
  });

  it('runs DTLS-SRTP on the softphone leg and plain RTP to the carrier, packets both ways', async () => {
    const carrier = await startSipp({ scenario: 'builtin:uas', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: 1, timeoutSec: 30, extraArgs: ['-rtp_echo'] });
    const phone = await startBaresipCall({
      user: 'alice',
      realm: stack.fx.realm,
      password: 'alice-pw',
      proxy: stack.sip.sipTarget,
      dial: `sip:02079460061@${stack.fx.realm}`,
      seconds: 7,
      toneHz: 1_000,
      mediaenc: 'dtls_srtp',
    });
    await eventually(() => stack.switch.active.size === 1, 'the call to be answered').catch(async (err: unknown) => {
      const r = await phone.done;
      throw new Error(`${(err as Error).message}; baresip said:\n${r.output.slice(-3_000)}`);
    });
    const callId = [...stack.switch.active.keys()][0] ?? '';
    await new Promise((r) => setTimeout(r, 3_500));
    const stats: LegStats[] = await new MediaSession({ ng, callId, log }).stats();
    const raw = JSON.stringify(await ng.request('query', { 'call-id': callId }));
    const result = await phone.done;
    await carrier.done.catch(() => undefined);

    const phoneLeg = stats.find((s) => s.protocol?.startsWith('UDP/TLS/RTP/SAVP'));
    const carrierLeg = stats.find((s) => s.protocol === 'RTP/AVP');
    expect(phoneLeg, JSON.stringify(stats)).toBeDefined();
    expect(carrierLeg, JSON.stringify(stats)).toBeDefined();
    expect(phoneLeg!.packets).toBeGreaterThan(50);
    expect(carrierLeg!.packets).toBeGreaterThan(50);
    // rtpengine checked the softphone's DTLS fingerprint: the handshake really happened.
    expect(raw).toContain('DTLS fingerprint verified');

    expect(result.decodedWav, result.output.slice(-2_000)).toBeDefined();
    const heard = readWav(result.decodedWav!);
    expect(toneShare(heard.samples, heard.rate, 1_000)).toBeGreaterThan(0.3);
  });
});
