import { describe, expect, it } from 'vitest';
import { pcmuToneFrame } from '#test/support/rtp-peer.js';
import { readWav, toneShare } from '#test/support/wav.js';
import { alawToPcm, ulawToPcm } from './g711.js';
import { readPcapRtp } from './pcap-rtp.js';
import { streamsToStereoWav } from './recording-wav.js';

/** A pcap (link type Raw IP) holding two RTP streams of `seconds` of PCMU tone each. */
function makePcap(seconds: number, toneA: number, toneB: number, lossEvery = 0): Buffer {
  const records: Buffer[] = [];
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65_535, 16);
  header.writeUInt32LE(101, 20);
  records.push(header);
  const frames = seconds * 50;
  for (let f = 0; f < frames; f++) {
    for (const [srcPort, tone] of [[6100, toneA], [6200, toneB]] as const) {
      if (lossEvery && srcPort === 6100 && f % lossEvery === 1) continue;
      const payload = pcmuToneFrame(tone, f);
      const rtp = Buffer.concat([Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, srcPort === 6100 ? 1 : 2]), payload]);
      rtp.writeUInt16BE(f & 0xffff, 2);
      rtp.writeUInt32BE(1_000 + f * 160, 4);
      const udp = Buffer.alloc(8);
      udp.writeUInt16BE(srcPort, 0);
      udp.writeUInt16BE(30_000, 2);
      udp.writeUInt16BE(8 + rtp.length, 4);
      const ip = Buffer.alloc(20);
      ip[0] = 0x45;
      ip[9] = 17;
      ip.writeUInt16BE(20 + 8 + rtp.length, 2);
      Buffer.from([127, 0, 0, 1]).copy(ip, 12);
      Buffer.from([127, 0, 0, 1]).copy(ip, 16);
      const packet = Buffer.concat([ip, udp, rtp]);
      const rec = Buffer.alloc(16);
      rec.writeUInt32LE(f, 0);
      rec.writeUInt32LE(packet.length, 8);
      rec.writeUInt32LE(packet.length, 12);
      records.push(rec, packet);
    }
  }
  return Buffer.concat(records);
}

describe('recording conversion', () => {
  it('decodes G.711 sign and magnitude at known points', () => {
    expect(ulawToPcm(0xff)).toBe(0);
    expect(ulawToPcm(0x00)).toBe(-32_124);
    expect(ulawToPcm(0x80)).toBe(32_124);
    expect(alawToPcm(0xd5)).toBe(8);
    expect(Math.abs(alawToPcm(0x2a))).toBe(32_256);
  });

  it('turns a two-party pcap into a stereo WAV with each party in its own channel', () => {
    const streams = readPcapRtp(makePcap(2, 1_000, 440));
    expect(streams.map((s) => s.packets.length)).toEqual([100, 100]);
    const { wav, durationSec } = streamsToStereoWav(streams);
    expect(durationSec).toBeCloseTo(2, 1);
    const left = readWav(wav, 0);
    const right = readWav(wav, 1);
    expect(left.rate).toBe(8_000);
    expect(toneShare(left.samples, 8_000, 1_000)).toBeGreaterThan(0.8);
    expect(toneShare(left.samples, 8_000, 440)).toBeLessThan(0.05);
    expect(toneShare(right.samples, 8_000, 440)).toBeGreaterThan(0.8);
  });

  it('keeps lost packets as silence so both channels stay aligned', () => {
    const { wav, durationSec } = streamsToStereoWav(readPcapRtp(makePcap(2, 1_000, 440, 10)));
    expect(durationSec).toBeCloseTo(2, 1);
    const left = readWav(wav, 0).samples;
    // Frame 1 of every 10 was lost on the left: samples 160..319 are silent.
    expect(left.slice(160, 320).every((s) => s === 0)).toBe(true);
    expect(left.slice(320, 480).some((s) => s !== 0)).toBe(true);
  });

  it('refuses what is not a pcap', () => {
    expect(() => readPcapRtp(Buffer.from('hello world, not a capture file'))).toThrow(/pcap/);
  });
});
