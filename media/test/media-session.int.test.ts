import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Registry } from 'prom-client';
import { createLogger } from '#lib/log/index.js';
import { createMediaMetrics, MediaSession, NgClient, NgError } from '#media/index.js';
import { deriveSrtpKeys, newSdesKey, parseInline } from '#test/support/srtp.js';
import { audioSdp, sdpAudioTarget, startRtpPeer, type RtpPeer } from '#test/support/rtp-peer.js';

const log = createLogger({ service: 'media-test', level: 'silent' });

describe('MediaSession against a real rtpengine', () => {
  let ng: NgClient;
  let registry: Registry;
  const peers: RtpPeer[] = [];

  beforeAll(() => {
    registry = new Registry();
    ng = new NgClient({ target: inject('rtpengineNg'), log, metrics: createMediaMetrics(registry), timeoutMs: 1_000 });
  });
  afterAll(async () => {
    ng.close();
    await Promise.all(peers.map((p) => p.close()));
  });

  it('bridges an SRTP softphone to a plain-RTP carrier, media flowing both ways', async () => {
    const softphone = await startRtpPeer();
    const carrier = await startRtpPeer();
    peers.push(softphone, carrier);
    const callId = `media-${randomUUID()}`;
    const session = new MediaSession({ ng, callId, log });
    const phoneKey = newSdesKey();

    const towardCarrier = await session.offer(audioSdp(softphone.port, { protocol: 'RTP/SAVP', inline: phoneKey.inline }), 'phone-tag', 'rtp');
    expect(towardCarrier).toMatch(/^m=audio \d+ RTP\/AVP /m);
    expect(towardCarrier).not.toContain('a=crypto');
    expect(towardCarrier).not.toContain(`${softphone.port}`); // topology hidden: the softphone's port never leaks

    const towardPhone = await session.answer(audioSdp(carrier.port, { protocol: 'RTP/AVP', sessionId: 2000 }), 'phone-tag', 'carrier-tag', 'srtp');
    expect(towardPhone).toMatch(/^m=audio \d+ RTP\/SAVP /m);
    const cryptoLines = towardPhone.match(/^a=crypto:.*$/gm) ?? [];
    expect(cryptoLines.length).toBe(1);
    expect(cryptoLines[0]).toContain('AES_CM_128_HMAC_SHA1_80');
    const engineInline = /inline:(\S+)/.exec(cryptoLines[0] ?? '')?.[1] ?? '';
    const engineKey = parseInline(engineInline);
    softphone.setReceiveKey(engineKey.masterKey, engineKey.masterSalt);

    await Promise.all([
      softphone.send(sdpAudioTarget(towardPhone), 50, 0x11, deriveSrtpKeys(phoneKey.masterKey, phoneKey.masterSalt)),
      carrier.send(sdpAudioTarget(towardCarrier), 50, 0x22),
    ]);
    await new Promise((r) => setTimeout(r, 200));

    // The carrier gets the softphone's audio in clear; the softphone gets the carrier's audio encrypted by rtpengine.
    expect(carrier.received.length).toBeGreaterThanOrEqual(48);
    expect(carrier.received.every((p) => p.length === 160 && p.every((b) => b === 0x11))).toBe(true);
    expect(softphone.received.length).toBeGreaterThanOrEqual(48);
    expect(softphone.rejected).toBe(0);
    expect(softphone.received.every((p) => p.length === 160 && p.every((b) => b === 0x22))).toBe(true);

    const stats = await session.stats();
    const phoneLeg = stats.find((s) => s.tag === 'phone-tag');
    const carrierLeg = stats.find((s) => s.tag === 'carrier-tag');
    expect(phoneLeg?.protocol).toBe('RTP/SAVP');
    expect(carrierLeg?.protocol).toBe('RTP/AVP');
    expect(phoneLeg?.packets).toBeGreaterThanOrEqual(48);
    expect(carrierLeg?.packets).toBeGreaterThanOrEqual(48);

    await session.delete();
    const list = await ng.request('list', { limit: 10_000 });
    expect(list['calls']).not.toContain(callId);
    expect(await registry.getSingleMetricAsString('media_ng_request_duration_seconds')).toContain('command="offer"');
  });

  it('turns an rtpengine error into NgError and a dead rtpengine into NG_TIMEOUT', async () => {
    const session = new MediaSession({ ng, callId: `bad-${randomUUID()}`, log });
    await expect(session.offer('this is not sdp', 'x', 'rtp')).rejects.toMatchObject({ code: 'NG_ERROR' });
    const dead = new NgClient({ target: '127.0.0.1:9', log, timeoutMs: 200, retries: 1 });
    try {
      const err = await dead.request('ping').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NgError);
      expect((err as NgError).code).toBe('NG_TIMEOUT');
    } finally {
      dead.close();
    }
  });
});
