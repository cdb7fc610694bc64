// Turns an rtpengine call pcap into a stereo WAV a person can play: each party in its own channel
// (left: the first stream seen, normally the caller; right: the other), 8 kHz 16-bit PCM, samples
// placed by RTP timestamp so gaps stay silent and the channels stay aligned.
import { decodeG711 } from './g711.js';
import type { RtpStream } from './pcap-rtp.js';

const RATE = 8_000;
/** Longest recording converted, as a guard against a corrupt timestamp (4 hours). */
const MAX_SAMPLES = RATE * 4 * 3_600;

export function streamsToStereoWav(streams: readonly RtpStream[]): { wav: Buffer; durationSec: number } {
  const audio = streams.filter((s) => s.packets.some((p) => p.payloadType === 0 || p.payloadType === 8)).slice(0, 2);
  const channels = audio.map((s) => decodeStream(s));
  const length = Math.min(MAX_SAMPLES, Math.max(0, ...channels.map((c) => c.length)));
  const data = Buffer.alloc(length * 4);
  for (let i = 0; i < length; i++) {
    data.writeInt16LE(channels[0]?.[i] ?? 0, i * 4);
    data.writeInt16LE(channels[1]?.[i] ?? 0, i * 4 + 2);
  }
  return { wav: Buffer.concat([wavHeader(data.length, 2), data]), durationSec: length / RATE };
}

function decodeStream(stream: RtpStream): Int16Array {
  const first = stream.packets.find((p) => p.payloadType === 0 || p.payloadType === 8);
  if (!first) return new Int16Array(0);
  const pieces: { at: number; pcm: Int16Array }[] = [];
  let end = 0;
  for (const p of stream.packets) {
    const pcm = decodeG711(p.payloadType, p.payload);
    if (!pcm) continue;
    const at = (p.timestamp - first.timestamp) >>> 0; // 32-bit wrap (RFC 3550 §5.1)
    if (at + pcm.length > MAX_SAMPLES) continue;
    pieces.push({ at, pcm });
    end = Math.max(end, at + pcm.length);
  }
  const out = new Int16Array(end);
  for (const { at, pcm } of pieces) out.set(pcm, at);
  return out;
}

function wavHeader(dataBytes: number, channels: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(RATE, 24);
  h.writeUInt32LE(RATE * 2 * channels, 28);
  h.writeUInt16LE(2 * channels, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(dataBytes, 40);
  return h;
}
