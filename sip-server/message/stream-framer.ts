// RFC 3261 §18.3 (framing on stream transports by Content-Length), RFC 5626 §3.5.1 (CRLF keep-alives).
import { SIP_MESSAGE_ERROR_CODES as E } from './error-codes.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from './parse.js';
import { SipHeaders } from './headers.js';
import { SipParseError } from './sip-parse-error.js';

/** What SipStreamFramer.push found in the stream. */
export type FramerEvent =
  /** One complete message (header section plus Content-Length body bytes), to hand to parseMessage with framing 'stream'. */
  | { kind: 'message'; data: Buffer }
  /** RFC 5626 §3.5.1: `ping` is a double CRLF (answer with a single CRLF); otherwise a single CRLF (a pong). */
  | { kind: 'keepalive'; ping: boolean }
  /** The stream cannot be framed any further (oversize or bad Content-Length); close the connection. */
  | { kind: 'error'; error: SipParseError };

/** Limits for SipStreamFramer. */
export type FramerOptions = {
  /** Largest message (headers + body) in bytes; default 65,535. */
  maxMessageBytes?: number;
};

const CRLFCRLF = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH_RE = /^(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*?)[ \t]*$/gim;

/**
 * Cuts a TCP/TLS byte stream into SIP messages. Feed every chunk to `push`;
 * it returns the events completed by that chunk. After an `error` event the
 * framer is `failed` and ignores further input.
 */
export class SipStreamFramer {
  readonly #maxBytes: number;
  #buf: Buffer = Buffer.alloc(0);
  /** Where the search for CRLFCRLF resumes in #buf. */
  #scanFrom = 0;
  #failed = false;

  constructor(options: FramerOptions = {}) {
    this.#maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  /** True after an error: the stream has lost its framing. */
  get failed(): boolean {
    return this.#failed;
  }

  /** Bytes received but not yet part of a complete message. */
  get buffered(): number {
    return this.#buf.length;
  }

  push(chunk: Buffer): FramerEvent[] {
    if (this.#failed) return [];
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const events: FramerEvent[] = [];
    for (;;) {
      const ev = this.#next();
      if (ev === undefined) break;
      events.push(ev);
      if (ev.kind === 'error') {
        this.#failed = true;
        this.#buf = Buffer.alloc(0);
        break;
      }
    }
    return events;
  }

  #next(): FramerEvent | undefined {
    const b = this.#buf;
    if (b.length === 0) return undefined;
    if (b[0] === 13) {
      // Keep-alives sit between messages (RFC 5626 §3.5.1).
      if (b.length < 2) return undefined;
      if (b[1] !== 10) return this.#fail(E.SIP_FRAME_BAD_CONTENT_LENGTH, 'Malformed stream');
      if (b.length < 4) {
        if (b.length === 2 || b[2] === 13) return undefined; // might still become CRLFCRLF
        this.#consume(2);
        return { kind: 'keepalive', ping: false };
      }
      if (b[2] === 13 && b[3] === 10) {
        this.#consume(4);
        return { kind: 'keepalive', ping: true };
      }
      this.#consume(2);
      return { kind: 'keepalive', ping: false };
    }
    const headEnd = b.indexOf(CRLFCRLF, this.#scanFrom);
    if (headEnd === -1) {
      if (b.length > this.#maxBytes) return this.#fail(E.SIP_FRAME_TOO_LARGE, 'Message Too Large');
      this.#scanFrom = Math.max(0, b.length - 3);
      return undefined;
    }
    const head = b.toString('latin1', 0, headEnd + 2);
    let length: number | undefined;
    CONTENT_LENGTH_RE.lastIndex = 0;
    for (let m = CONTENT_LENGTH_RE.exec(head); m !== null; m = CONTENT_LENGTH_RE.exec(head)) {
      const text = m[1] ?? '';
      if (!/^\d{1,10}$/.test(text)) return this.#fail(E.SIP_FRAME_BAD_CONTENT_LENGTH, 'Bad Content-Length');
      const n = Number(text);
      if (length !== undefined && length !== n) return this.#fail(E.SIP_FRAME_BAD_CONTENT_LENGTH, 'Conflicting Content-Length');
      length = n;
    }
    // A missing Content-Length frames an empty body; parseMessage (framing 'stream') then rejects it with a 400.
    const total = headEnd + 4 + (length ?? 0);
    if (total > this.#maxBytes) return this.#fail(E.SIP_FRAME_TOO_LARGE, 'Message Too Large');
    if (b.length < total) return undefined;
    const data = b.subarray(0, total);
    this.#consume(total);
    return { kind: 'message', data };
  }

  #consume(n: number): void {
    this.#buf = this.#buf.subarray(n);
    this.#scanFrom = 0;
  }

  #fail(code: typeof E.SIP_FRAME_TOO_LARGE | typeof E.SIP_FRAME_BAD_CONTENT_LENGTH, reason: string): FramerEvent {
    return {
      kind: 'error',
      error: new SipParseError(code, reason, { kind: undefined, method: undefined, uri: undefined, headers: new SipHeaders() }, code === E.SIP_FRAME_TOO_LARGE ? 513 : 400),
    };
  }
}
