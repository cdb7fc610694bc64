// Mono 16-bit PCM WAV files for media tests: write a sine tone, read samples back, and measure how
// strong one frequency is (Goertzel) so a test can tell "the tone came through" from "silence".
import { readFileSync, writeFileSync } from 'node:fs';

/** Writes `seconds` of a `freqHz` sine at `rate` Hz, amplitude 0.5 of full scale. */
export function writeToneWav(path: string, freqHz: number, seconds: number, rate = 8_000): void {
  const n = Math.round(seconds * rate);
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(16_383 * Math.sin((2 * Math.PI * freqHz * i) / rate)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}

/** Samples (−1..1, of `channel`) and rate of a 16-bit PCM WAV file or buffer. */
export function readWav(source: string | Buffer, channel = 0): { rate: number; samples: Float64Array } {
  const buf = typeof source === 'string' ? readFileSync(source) : source;
  let offset = 12;
  let rate = 8_000;
  let channels = 1;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(offset + 10);
      rate = buf.readUInt32LE(offset + 12);
    } else if (id === 'data') {
      const end = Math.min(buf.length, offset + 8 + size);
      const frames = Math.floor((end - offset - 8) / (2 * channels));
      const samples = new Float64Array(frames);
      for (let i = 0; i < frames; i++) samples[i] = buf.readInt16LE(offset + 8 + (i * channels + channel) * 2) / 32_768;
      return { rate, samples };
    }
    offset += 8 + size + (size % 2);
  }
  return { rate, samples: new Float64Array(0) };
}

/** Share of the signal's energy at `freqHz` (Goertzel over the whole block), 0..1. */
export function toneShare(samples: Float64Array, rate: number, freqHz: number): number {
  if (samples.length === 0) return 0;
  const k = Math.round((samples.length * freqHz) / rate);
  const w = (2 * Math.PI * k) / samples.length;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (const x of samples) {
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += x * x;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return energy === 0 ? 0 : (2 * power) / (samples.length * energy);
}
