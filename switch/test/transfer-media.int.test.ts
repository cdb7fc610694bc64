// The media steps of a blind transfer (switch/call/transfer/blind-transfer.ts) against a real
// rtpengine: the carrier's SDP re-offered toward the transfer target and the target's answer
// applied give the carrier a new rtpengine address (hence its re-INVITE); media then flows between
// the carrier and the target, not the referrer.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '#lib/log/index.js';
import { MediaSession, NgClient } from '#media/index.js';
import { audioSdp, sdpAudioTarget, startRtpPeer, type RtpPeer } from '#test/support/rtp-peer.js';

const log = createLogger({ service: 'transfer-media-test', level: 'silent' });

describe('blind transfer media through rtpengine', () => {
  let ng: NgClient;
  const peers: RtpPeer[] = [];

  beforeAll(() => {
    ng = new NgClient({ target: inject('rtpengineNg'), log, timeoutMs: 1_000 });
  });
  afterAll(async () => {
    ng.close();
    await Promise.all(peers.map((p) => p.close()));
  });

  it('moves the carrier’s media from the referrer to the target, the carrier told by one re-INVITE', async () => {
    const [referrer, carrier, target] = await Promise.all([startRtpPeer(), startRtpPeer(), startRtpPeer()]);
    peers.push(referrer, carrier, target);
    const session = new MediaSession({ ng, callId: `transfer-${randomUUID()}`, log, mediaAddress: '127.0.0.1' });
    const carrierSdp = audioSdp(carrier.port, { protocol: 'RTP/AVP', sessionId: 2000 });

    // The call as set up: referrer (A) offers, carrier (B) answers.
    const towardCarrier = await session.offer(audioSdp(referrer.port, { protocol: 'RTP/AVP' }), 'a-tag', 'rtp');
    await session.answer(carrierSdp, 'a-tag', 'b-tag', 'rtp');

    // The transfer: the carrier's SDP re-offered toward the target, the target's answer applied.
    const targetSdp = audioSdp(target.port, { protocol: 'RTP/AVP', sessionId: 3000 });
    const towardTarget = await session.offer(carrierSdp, 'b-tag', 'rtp');
    const reinviteToCarrier = await session.answer(targetSdp, 'b-tag', 'c-tag', 'rtp');
    // A new pairing gets new ports on the carrier's side: without the re-INVITE its media would be lost.
    expect(sdpAudioTarget(reinviteToCarrier)).not.toEqual(sdpAudioTarget(towardCarrier));
    // The carrier's answer to the re-INVITE is not applied again: rtpengine has its SDP from the
    // re-offer, and a second offer/answer would move the ports once more.

    await Promise.all([carrier.send(sdpAudioTarget(reinviteToCarrier), 40, 0x33), target.send(sdpAudioTarget(towardTarget), 40, 0x44)]);
    await new Promise((r) => setTimeout(r, 200));
    expect(target.received.length).toBeGreaterThanOrEqual(38);
    expect(target.received.every((p) => p.every((b) => b === 0x33))).toBe(true);
    expect(carrier.received.length).toBeGreaterThanOrEqual(38);
    expect(carrier.received.every((p) => p.every((b) => b === 0x44))).toBe(true);
    expect(referrer.received).toEqual([]);
    await session.delete();
  });

  it('leaves the referrer and the carrier talking when the target never answers the re-offer', async () => {
    const [referrer, carrier] = await Promise.all([startRtpPeer(), startRtpPeer()]);
    peers.push(referrer, carrier);
    const session = new MediaSession({ ng, callId: `transfer-${randomUUID()}`, log, mediaAddress: '127.0.0.1' });
    const carrierSdp = audioSdp(carrier.port, { protocol: 'RTP/AVP', sessionId: 2000 });
    const towardCarrier = await session.offer(audioSdp(referrer.port, { protocol: 'RTP/AVP' }), 'a-tag', 'rtp');
    const towardReferrer = await session.answer(carrierSdp, 'a-tag', 'b-tag', 'rtp');
    await session.offer(carrierSdp, 'b-tag', 'rtp');

    await Promise.all([carrier.send(sdpAudioTarget(towardCarrier), 40, 0x55), referrer.send(sdpAudioTarget(towardReferrer), 40, 0x66)]);
    await new Promise((r) => setTimeout(r, 200));
    expect(referrer.received.length).toBeGreaterThanOrEqual(38);
    expect(carrier.received.length).toBeGreaterThanOrEqual(38);
    await session.delete();
  });
});
