// RFC 3261 §7 (message format), §7.3.1 (folding), §7.5 (leading CRLF), §18.3 (Content-Length), §25.1.
import { SIP_MESSAGE_ERROR_CODES as E } from './error-codes.js';
import { readHeaderLines } from './header-lines.js';
import { normalizeHeaderName } from './header-names.js';
import { parseUnsigned } from './header-values.js';
import { SipHeaders } from './headers.js';
import { Failure, type State } from './parse-failure.js';
import { SipParseError } from './sip-parse-error.js';
import { parseStartLine } from './start-line.js';
import { isWs } from './syntax.js';
import type { SipMessage } from './types.js';
import { validateHeaders } from './validate-headers.js';
import { isCanonicalStartLine } from './wire-image.js';

/** Limits and framing mode for parseMessage. */
export type ParseOptions = {
  /** Largest accepted message in bytes (default 65,535). */
  maxMessageBytes?: number;
  /** Largest number of header lines (default 256). */
  maxHeaders?: number;
  /**
   * 'datagram' (default): a missing Content-Length means the body runs to the
   * end of the buffer (RFC 3261 §18.3) and bytes after Content-Length are ignored.
   * 'stream': Content-Length is required and the buffer must be exactly one message
   * (as cut by SipStreamFramer).
   */
  framing?: 'datagram' | 'stream';
  /**
   * For sparse messages written by applications (drachtio-srf over the wire protocol):
   * mandatory headers (RFC 3261 §8.1.1) may be missing, headers that are present are still
   * checked; the body is everything after the blank line (Content-Length ignored); a
   * missing blank line means no body.
   */
  lenient?: boolean;
};

export const DEFAULT_MAX_MESSAGE_BYTES = 65_535;
export const DEFAULT_MAX_HEADERS = 256;

export type ParseResult = { ok: true; message: SipMessage } | { ok: false; error: SipParseError };

const CRLFCRLF = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');


const PARTIAL_KEYS: ReadonlySet<string> = new Set(['via', 'from', 'to', 'call-id', 'cseq']);

/** Best-effort scan of the header lines a 400 needs, used when parsing stopped before the header loop. */
function collectPartial(head: string, into: SipHeaders): void {
  const lines = head.split('\r\n');
  let last = -1;
  const keys: string[] = [];
  const names: string[] = [];
  const values: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.length === 0) continue;
    if (isWs(line.charCodeAt(0))) {
      if (last !== -1) values[last] = `${values[last] as string} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      last = -1;
      continue;
    }
    const name = line.slice(0, colon).trim();
    const key = normalizeHeaderName(name);
    if (!PARTIAL_KEYS.has(key)) {
      last = -1;
      continue;
    }
    keys.push(key);
    names.push(name);
    values.push(line.slice(colon + 1).trim());
    last = keys.length - 1;
  }
  for (let i = 0; i < keys.length; i++) into.pushRaw(keys[i] as string, names[i] as string, values[i] as string);
}

/**
 * Parses one SIP message from `buf`. Never throws on bad input: it returns
 * `{ ok: false, error }` with a SipParseError whose reason fits a 400 response.
 */
export function parseMessage(buf: Buffer, options: ParseOptions = {}): ParseResult {
  const st: State = { kind: undefined, method: undefined, uri: undefined, head: undefined };
  try {
    const r = parseInner(buf, options, st);
    if (r instanceof Failure) {
      const partial = new SipHeaders();
      if (st.head !== undefined) collectPartial(st.head, partial);
      return { ok: false, error: new SipParseError(r.code, r.reason, { kind: st.kind, method: st.method, uri: st.uri, headers: partial }, r.status) };
    }
    return { ok: true, message: r };
  } catch (err) {
    // A parser bug must not take the server down: report it as a parse failure (kept visible via the cause).
    const e = new SipParseError(E.SIP_PARSE_BAD_HEADER, 'Unparseable message', { kind: st.kind, method: st.method, uri: st.uri, headers: new SipHeaders() });
    Object.defineProperty(e, 'cause', { value: err });
    return { ok: false, error: e };
  }
}

function parseInner(buf: Buffer, options: ParseOptions, st: State): SipMessage | Failure {
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const maxHeaders = options.maxHeaders ?? DEFAULT_MAX_HEADERS;
  const stream = options.framing === 'stream';
  if (buf.length > maxBytes) return new Failure(E.SIP_PARSE_TOO_LARGE, 'Message Too Large', 513);
  // RFC 3261 §7.5: ignore CRLFs before the start line.
  let start = 0;
  while (start + 1 < buf.length && buf[start] === 13 && buf[start + 1] === 10) start += 2;
  if (start >= buf.length || buf.length - start < 4) return new Failure(E.SIP_PARSE_EMPTY, 'Empty message');
  const lenient = options.lenient === true;
  let headEnd = buf.indexOf(CRLFCRLF, start);
  if (headEnd === -1) {
    if (!lenient) return new Failure(E.SIP_PARSE_NO_HEADER_END, 'Missing empty line after headers');
    buf = Buffer.concat([buf, buf.subarray(buf.length - 2).equals(CRLF) ? CRLF : CRLFCRLF]);
    headEnd = buf.indexOf(CRLFCRLF, start);
  }
  const head = buf.toString('utf8', start, headEnd + 2);
  st.head = head;

  const lineEnd = head.indexOf('\r\n');
  const headers = new SipHeaders();
  const startLine = head.slice(0, lineEnd);
  const message = parseStartLine(startLine, headers, st);
  if (message instanceof Failure) return message;
  const seen = readHeaderLines(head, lineEnd + 2, headers, maxHeaders);
  if (seen instanceof Failure) return seen;

  const f = validateHeaders(message, headers, seen, lenient);
  if (f !== undefined) return f;

  // Body (RFC 3261 §18.3).
  const bodyStart = headEnd + 4;
  const available = buf.length - bodyStart;
  if (lenient) {
    message.body = available > 0 ? buf.subarray(bodyStart) : EMPTY;
  } else if (seen.contentLength === undefined) {
    if (stream) return new Failure(E.SIP_PARSE_BAD_CONTENT_LENGTH, 'Missing Content-Length');
    message.body = available > 0 ? buf.subarray(bodyStart) : EMPTY;
  } else {
    const n = parseUnsigned(seen.contentLength, maxBytes);
    if (n === undefined) return new Failure(E.SIP_PARSE_BAD_CONTENT_LENGTH, 'Bad Content-Length');
    if (n > available) return new Failure(E.SIP_PARSE_BODY_TRUNCATED, 'Content-Length exceeds message');
    if (stream && n !== available) return new Failure(E.SIP_PARSE_BAD_CONTENT_LENGTH, 'Content-Length mismatch');
    message.body = n > 0 ? buf.subarray(bodyStart, bodyStart + n) : EMPTY;
    // Serializing would rebuild exactly these bytes: keep them (RFC 3261 §18.3: Content-Length = body length).
    if (seen.contentLength === String(n) && isCanonicalStartLine(startLine, message.kind)) {
      headers.setImage({
        // Usually the whole datagram or frame: no view to make then.
        bytes: start === 0 && bodyStart + n === buf.length ? buf : buf.subarray(start, bodyStart + n),
        first: message.kind === 'request' ? message.method : message.status,
        second: message.kind === 'request' ? message.uri : message.reason,
        body: message.body,
      });
    }
  }
  return message;
}

const EMPTY = Buffer.alloc(0);

