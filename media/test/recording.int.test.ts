import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '#lib/log/index.js';
import { MediaSession, NgClient, readPcapRtp, streamsToStereoWav } from '#media/index.js';
import { audioSdp, pcmuToneFrame, sdpAudioTarget, startRtpPeer, type RtpPeer } from '#test/support/rtp-peer.js';
import { readWav, toneShare } from '#test/support/wav.js';

const log = createLogger({ service: 'recording-test', level: 'silent' });

describe('call recording through rtpengine (pcap, userspace)', () => {
  const ng = new NgClient({ target: inject('rtpengineNg'), log });
  const peers: RtpPeer[] = [];
  afterAll(async () => {
    ng.close();
    await Promise.all(peers.map((p) => p.close()));
  });

  it('records a call that asked for it into a pcap that converts to a stereo WAV with both tones', async () => {
    const a = await startRtpPeer();
    const b = await startRtpPeer();
    peers.push(a, b);
    const callId = `rec-${randomUUID()}`;
    const session = new MediaSession({ ng, callId, log, record: true });
    const toB = await session.offer(audioSdp(a.port, { protocol: 'RTP/AVP' }), 'caller', 'rtp');
    const toA = await session.answer(audioSdp(b.port, { protocol: 'RTP/AVP', sessionId: 2 }), 'caller', 'callee', 'rtp');
    await Promise.all([a.send(sdpAudioTarget(toA), 100, (f) => pcmuToneFrame(1_000, f)), b.send(sdpAudioTarget(toB), 100, (f) => pcmuToneFrame(440, f))]);
    await session.delete();
    const dir = join(inject('recordingSpoolDir'), 'pcaps');
    let file: string | undefined;
    for (let i = 0; i < 50 && !file; i++) {
      file = readdirSync(dir).find((f) => f.startsWith(encodeURIComponent(callId)));
      if (!file) await new Promise((r) => setTimeout(r, 100));
    }
    expect(file).toBeDefined();
    const { wav, durationSec } = streamsToStereoWav(readPcapRtp(readFileSync(join(dir, file!))));
    expect(durationSec).toBeGreaterThan(1.5);
    const left = readWav(wav, 0).samples;
    const right = readWav(wav, 1).samples;
    const tones = [toneShare(left, 8_000, 1_000), toneShare(right, 8_000, 440), toneShare(left, 8_000, 440), toneShare(right, 8_000, 1_000)];
    // Each channel holds one party: one tone each, not the other's.
    expect(Math.max(tones[0]!, tones[2]!)).toBeGreaterThan(0.8);
    expect(Math.max(tones[1]!, tones[3]!)).toBeGreaterThan(0.8);
    expect(Math.min(tones[0]!, tones[2]!)).toBeLessThan(0.05);
  });

  it('leaves no pcap for a call that did not ask for recording', async () => {
    const callId = `norec-${randomUUID()}`;
    const session = new MediaSession({ ng, callId, log });
    await session.offer(audioSdp(4_000, { protocol: 'RTP/AVP' }), 'caller', 'rtp');
    await session.delete();
    await new Promise((r) => setTimeout(r, 300));
    const dir = join(inject('recordingSpoolDir'), 'pcaps');
    expect(readdirSync(dir).filter((f) => f.startsWith(encodeURIComponent(callId)))).toEqual([]);
  });
});
