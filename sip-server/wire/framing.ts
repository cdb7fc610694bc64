// drachtio wire framing: `<decimal byte length>#<payload>` with nothing between frames
// (see /work/shared/drachtio-protocol.md §2.1). Lengths count UTF-8 bytes, never characters.
import { WIRE_ERROR_CODES } from './error-codes.js';
import { WireProtocolError } from './wire-error.js';

/** Frames up to this many payload bytes are accepted from apps (the C++ server stops at 99 999). */
export const MAX_FRAME_BYTES = 1024 * 1024;
const MAX_PREFIX_DIGITS = String(MAX_FRAME_BYTES).length;
const HASH = 0x23;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

export type FrameResult = { ok: true; frames: string[] } | { ok: false; frames: string[]; error: WireProtocolError };

/** Encodes one payload as a frame. */
export function encodeFrame(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const prefix = Buffer.from(`${body.length}#`, 'latin1');
  return Buffer.concat([prefix, body], prefix.length + body.length);
}

/**
 * Splits a TCP byte stream into frame payloads, however the stream is chunked.
 * A bad length prefix is fatal for the stream: the result carries the error and the
 * decoder refuses further input (the connection must be closed).
 */
export class FrameDecoder {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #buf: Buffer = Buffer.alloc(0);
  #failed: WireProtocolError | undefined;
  readonly #maxFrameBytes: number;

  constructor(maxFrameBytes = MAX_FRAME_BYTES) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** Feeds one chunk; returns every frame completed by it. */
  push(chunk: Buffer): FrameResult {
    if (this.#failed) return { ok: false, frames: [], error: this.#failed };
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    const frames: string[] = [];
    for (;;) {
      const buf = this.#compact();
      // Parse the length prefix: digits then '#'.
      let i = 0;
      let length = 0;
      while (i < buf.length) {
        const c = buf[i] as number;
        if (c === HASH) break;
        if (c < DIGIT_0 || c > DIGIT_9 || i >= MAX_PREFIX_DIGITS) return this.#fail(frames, buf, i);
        length = length * 10 + (c - DIGIT_0);
        i++;
      }
      if (i === buf.length) return { ok: true, frames }; // prefix incomplete
      if (i === 0 || length === 0 || length > this.#maxFrameBytes) return this.#fail(frames, buf, i);
      const end = i + 1 + length;
      if (buf.length < end) return { ok: true, frames };
      frames.push(buf.toString('utf8', i + 1, end));
      this.#buf = buf.subarray(end);
    }
  }

  /** Bytes buffered but not yet part of a complete frame. */
  get bufferedBytes(): number {
    return this.#buf.length + this.#pendingBytes;
  }

  #compact(): Buffer {
    if (this.#pending.length > 0) {
      this.#buf = this.#buf.length === 0 && this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat([this.#buf, ...this.#pending]);
      this.#pending = [];
      this.#pendingBytes = 0;
    }
    return this.#buf;
  }

  #fail(frames: string[], buf: Buffer, at: number): FrameResult {
    const shown = JSON.stringify(buf.toString('latin1', 0, Math.min(at + 1, 16)));
    this.#failed = new WireProtocolError(WIRE_ERROR_CODES.WIRE_BAD_FRAME, `invalid length prefix ${shown}`);
    this.#buf = Buffer.alloc(0);
    return { ok: false, frames, error: this.#failed };
  }
}
