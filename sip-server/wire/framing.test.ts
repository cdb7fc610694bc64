import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder } from './framing.js';

function decodeAll(chunks: Buffer[]): string[] {
  const d = new FrameDecoder();
  const out: string[] = [];
  for (const c of chunks) {
    const r = d.push(c);
    expect(r.ok).toBe(true);
    out.push(...r.frames);
  }
  return out;
}

function cut(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    parts.push(buf.subarray(prev, p));
    prev = p;
  }
  parts.push(buf.subarray(prev));
  return parts;
}

describe('FrameDecoder', () => {
  it('yields the same frames however the stream is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(2000), { maxLength: 20 }),
        (payloads, cuts) => {
          const stream = Buffer.concat(payloads.map(encodeFrame));
          expect(decodeAll(cut(stream, cuts))).toEqual(payloads);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts the length in UTF-8 bytes', () => {
    const payload = 'x|sip||\r\nMESSAGE sip:a@b SIP/2.0\r\n\r\nhé ☎!';
    const frame = encodeFrame(payload);
    expect(frame.toString('utf8').startsWith(`${Buffer.byteLength(payload)}#`)).toBe(true);
    expect(Buffer.byteLength(payload)).toBeGreaterThan(payload.length);
    expect(decodeAll([frame])).toEqual([payload]);
  });

  it('splits many frames in one chunk and keeps # inside payloads', () => {
    const a = 'id1|route|invite';
    const b = 'id2|sip||\r\nINFO sip:#1@x SIP/2.0\r\n\r\n#body#';
    expect(decodeAll([Buffer.concat([encodeFrame(a), encodeFrame(b), encodeFrame(a)])])).toEqual([a, b, a]);
  });

  it('delivers a frame whose digits arrive one byte at a time', () => {
    const f = encodeFrame('abc|ping'.repeat(20));
    expect(decodeAll([...f].map((b) => Buffer.from([b])))).toEqual(['abc|ping'.repeat(20)]);
  });

  it('rejects a stray # or non-digit prefix and then refuses more input', () => {
    const d = new FrameDecoder();
    const r = d.push(Buffer.from('#abc'));
    expect(r.ok).toBe(false);
    expect(d.push(encodeFrame('ok')).ok).toBe(false);
    expect(new FrameDecoder().push(Buffer.from('12x#abc')).ok).toBe(false);
    expect(new FrameDecoder().push(Buffer.from('0#')).ok).toBe(false);
  });

  it('rejects a length over the limit without buffering it', () => {
    const r = new FrameDecoder(100).push(Buffer.from('101#'));
    expect(r.ok).toBe(false);
    expect(new FrameDecoder().push(Buffer.from('99999999#')).ok).toBe(false);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const r = new FrameDecoder().push(Buffer.from(bytes));
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });
});
