// RFC 3261 §7 (message format), §7.3.1 (folding), §7.5 (leading CRLF), §18.3 (Content-Length), §25.1.
import { SIP_MESSAGE_ERROR_CODES as E, type SipMessageErrorCode } from './error-codes.js';
import { matchKnownName, normalizeHeaderName, resolveHeaderName } from './header-names.js';
import { isSipDate, parseCSeq, parseNameAddr, parseNameAddrList, parseUnsigned, parseViaList } from './header-values.js';
import { SipHeaders } from './headers.js';
import { SipParseError } from './sip-parse-error.js';
import { isCallId, isToken, isWs } from './syntax.js';
import type { ContactList, SipMessage } from './types.js';
import { parseUri } from './uri.js';

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
const SIP_VERSION_RE = /^SIP\/\d+\.\d+$/i;

class Failure {
  readonly code: SipMessageErrorCode;
  readonly reason: string;
  readonly status: number;
  constructor(code: SipMessageErrorCode, reason: string, status = 400) {
    this.code = code;
    this.reason = reason;
    this.status = status;
  }
}

type State = {
  kind: 'request' | 'response' | undefined;
  method: string | undefined;
  uri: string | undefined;
  /** Decoded header section, kept so a start-line failure can still collect the lines for a 400. */
  head: string | undefined;
};

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

  // Start line.
  const lineEnd = head.indexOf('\r\n');
  const startLine = head.slice(0, lineEnd);
  let message: SipMessage;
  const headers = new SipHeaders();
  if (startLine.startsWith('SIP/')) {
    st.kind = 'response';
    const sp1 = startLine.indexOf(' ');
    if (sp1 === -1) return new Failure(E.SIP_PARSE_BAD_START_LINE, 'Malformed Status-Line');
    const version = startLine.slice(0, sp1);
    if (version !== 'SIP/2.0' && version.toUpperCase() !== 'SIP/2.0') {
      return SIP_VERSION_RE.test(version)
        ? new Failure(E.SIP_PARSE_BAD_VERSION, 'Version Not Supported', 505)
        : new Failure(E.SIP_PARSE_BAD_START_LINE, 'Malformed Status-Line');
    }
    let sp2 = startLine.indexOf(' ', sp1 + 1);
    if (sp2 === -1) sp2 = startLine.length;
    const code = startLine.slice(sp1 + 1, sp2);
    if (code.length !== 3 || !/^[1-6]\d\d$/.test(code)) return new Failure(E.SIP_PARSE_BAD_STATUS, 'Bad Status-Code');
    const reason = startLine.slice(sp2 + 1);
    for (let i = 0; i < reason.length; i++) {
      const c = reason.charCodeAt(i);
      if ((c < 32 && c !== 9) || c === 127) return new Failure(E.SIP_PARSE_BAD_START_LINE, 'Malformed Reason-Phrase');
    }
    message = { kind: 'response', status: Number(code), reason, headers, body: EMPTY };
  } else {
    st.kind = 'request';
    const sp1 = startLine.indexOf(' ');
    if (sp1 > 0 && isToken(startLine.slice(0, sp1))) st.method = startLine.slice(0, sp1);
    const sp2 = sp1 === -1 ? -1 : startLine.indexOf(' ', sp1 + 1);
    if (sp2 === -1 || startLine.indexOf(' ', sp2 + 1) !== -1) return new Failure(E.SIP_PARSE_BAD_START_LINE, 'Malformed Request-Line');
    const method = startLine.slice(0, sp1);
    if (!isToken(method)) return new Failure(E.SIP_PARSE_BAD_START_LINE, 'Malformed Request-Line');
    st.method = method;
    const uri = startLine.slice(sp1 + 1, sp2);
    const version = startLine.slice(sp2 + 1);
    if (version !== 'SIP/2.0' && version.toUpperCase() !== 'SIP/2.0') {
      return SIP_VERSION_RE.test(version)
        ? new Failure(E.SIP_PARSE_BAD_VERSION, 'Version Not Supported', 505)
        : new Failure(E.SIP_PARSE_BAD_START_LINE, 'Malformed Request-Line');
    }
    const u = parseUri(uri);
    if (!u.ok) return new Failure(E.SIP_PARSE_BAD_REQUEST_URI, 'Bad Request-URI');
    // RFC 3261 §19.1.1: URI headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11).
    if (u.uri.headers.size > 0) return new Failure(E.SIP_PARSE_BAD_REQUEST_URI, 'Bad Request-URI');
    st.uri = uri;
    message = { kind: 'request', method, uri, headers, body: EMPTY };
  }

  // Header lines, unfolding continuation lines (RFC 3261 §7.3.1).
  let pos = lineEnd + 2;
  let count = 0;
  let pendingKey = '';
  let pendingWire = '';
  let pendingValue = '';
  let pendingStart = -1;
  let pendingEnd = -1;
  headers.setSource(head);
  const seen: Seen = { via: [], from: undefined, to: undefined, callId: undefined, cseq: undefined, contentLength: undefined, maxForwards: undefined, contact: [], expires: undefined, date: undefined, dup: undefined };
  const end = head.length;
  while (pos < end) {
    let eol = head.indexOf('\r\n', pos);
    if (eol === -1) eol = end;
    const c0 = head.charCodeAt(pos);
    if (c0 === 32 || c0 === 9) {
      if (pendingKey === '') return new Failure(E.SIP_PARSE_BAD_HEADER, 'Malformed header line');
      const cont = head.slice(pos, eol).trim();
      if (cont.length > 0) pendingValue = pendingValue.length > 0 ? `${pendingValue} ${cont}` : cont;
      pendingEnd = eol;
    } else {
      if (pendingKey !== '') commit(headers, seen, pendingKey, pendingWire, pendingValue, pendingStart, pendingEnd);
      if (++count > maxHeaders) return new Failure(E.SIP_PARSE_TOO_MANY_HEADERS, 'Too Many Headers');
      const colon = head.indexOf(':', pos);
      if (colon === -1 || colon > eol) return new Failure(E.SIP_PARSE_BAD_HEADER, 'Malformed header line');
      let nameEnd = colon;
      while (nameEnd > pos && isWs(head.charCodeAt(nameEnd - 1))) nameEnd--;
      let resolved = matchKnownName(head, pos, nameEnd);
      if (resolved === undefined) {
        // Known names are tokens by construction; check the others.
        const name = head.slice(pos, nameEnd);
        if (!isToken(name)) return new Failure(E.SIP_PARSE_BAD_HEADER, 'Malformed header name');
        resolved = resolveHeaderName(name);
      }
      pendingKey = resolved.key;
      pendingWire = resolved.wire;
      let vs = colon + 1;
      while (vs < eol && isWs(head.charCodeAt(vs))) vs++;
      let ve = eol;
      while (ve > vs && isWs(head.charCodeAt(ve - 1))) ve--;
      pendingValue = head.slice(vs, ve);
      pendingStart = pos;
      pendingEnd = eol;
    }
    pos = eol + 2;
  }
  if (pendingKey !== '') commit(headers, seen, pendingKey, pendingWire, pendingValue, pendingStart, pendingEnd);

  const f = validate(message, headers, seen, lenient);
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
  }
  return message;
}

const EMPTY = Buffer.alloc(0);

/** Header values the parser checks, gathered while reading the lines. */
type Seen = {
  via: string[];
  from: string | undefined;
  to: string | undefined;
  callId: string | undefined;
  cseq: string | undefined;
  contentLength: string | undefined;
  maxForwards: string | undefined;
  contact: string[];
  expires: string | undefined;
  date: string | undefined;
  /** Label of the first single-value header seen twice. */
  dup: string | undefined;
};

/** Stores one unfolded header line and remembers the values validate() checks. */
function commit(headers: SipHeaders, seen: Seen, key: string, wire: string, value: string, start: number, end: number): void {
  headers.pushRaw(key, wire, value, start, end);
  switch (key) {
    case 'via':
      seen.via.push(value);
      return;
    case 'contact':
      seen.contact.push(value);
      return;
    case 'from':
      if (seen.from !== undefined) seen.dup ??= 'From';
      seen.from = value;
      return;
    case 'to':
      if (seen.to !== undefined) seen.dup ??= 'To';
      seen.to = value;
      return;
    case 'call-id':
      if (seen.callId !== undefined) seen.dup ??= 'Call-ID';
      seen.callId = value;
      return;
    case 'cseq':
      if (seen.cseq !== undefined) seen.dup ??= 'CSeq';
      seen.cseq = value;
      return;
    case 'content-length':
      if (seen.contentLength !== undefined) seen.dup ??= 'Content-Length';
      seen.contentLength = value;
      return;
    case 'max-forwards':
      if (seen.maxForwards !== undefined) seen.dup ??= 'Max-Forwards';
      seen.maxForwards = value;
      return;
    case 'expires':
      seen.expires = value;
      return;
    case 'date':
      seen.date = value;
      return;
    default:
      return;
  }
}

function badValue(header: string): Failure {
  return new Failure(E.SIP_PARSE_BAD_HEADER_VALUE, `Malformed ${header} header`);
}

/** Checks the headers every element relies on, caching their parsed views. */
function validate(message: SipMessage, headers: SipHeaders, seen: Seen, lenient: boolean): Failure | undefined {
  // Mandatory headers (RFC 3261 §8.1.1; RFC 4475 §3.3.1 insuf). DEVIATION: Max-Forwards is not required, as most stacks tolerate its absence.
  if (!lenient) {
    if (seen.via.length === 0) return new Failure(E.SIP_PARSE_MISSING_HEADER, 'Missing Via header');
    if (seen.from === undefined) return new Failure(E.SIP_PARSE_MISSING_HEADER, 'Missing From header');
    if (seen.to === undefined) return new Failure(E.SIP_PARSE_MISSING_HEADER, 'Missing To header');
    if (seen.callId === undefined) return new Failure(E.SIP_PARSE_MISSING_HEADER, 'Missing Call-ID header');
    if (seen.cseq === undefined) return new Failure(E.SIP_PARSE_MISSING_HEADER, 'Missing CSeq header');
  }
  // RFC 4475 §3.3.12 (multi01), §3.3.4? (mcl01): single-value headers must not repeat.
  if (seen.dup !== undefined) return new Failure(E.SIP_PARSE_DUPLICATE_HEADER, `Multiple ${seen.dup} headers`);

  if (seen.via.length > 0) {
    const vias = parseViaList(seen.via);
    if (!vias.ok) return badValue('Via');
    headers.setCached('via', vias.value);
  }
  if (seen.from !== undefined) {
    const from = parseNameAddr(seen.from);
    if (!from.ok) return badValue('From');
    headers.setCached('from', from.value);
  }
  if (seen.to !== undefined) {
    const to = parseNameAddr(seen.to);
    if (!to.ok) return badValue('To');
    headers.setCached('to', to.value);
  }
  if (seen.callId !== undefined && !isCallId(seen.callId)) return badValue('Call-ID');
  if (seen.cseq !== undefined) {
    const cseq = parseCSeq(seen.cseq);
    if (!cseq.ok) return badValue('CSeq');
    headers.setCached('cseq', cseq.value);
    // RFC 3261 §8.1.1.5: the CSeq method matches the request method (RFC 4475 §3.1.2.17, §3.1.2.18).
    if (message.kind === 'request' && cseq.value.method !== message.method) {
      return new Failure(E.SIP_PARSE_CSEQ_MISMATCH, 'CSeq method does not match Request-Line');
    }
  }
  if (seen.maxForwards !== undefined && parseUnsigned(seen.maxForwards, 255) === undefined) return badValue('Max-Forwards');

  if (seen.contact.length > 0) {
    let contacts: ContactList;
    if (seen.contact.length === 1 && seen.contact[0] === '*') {
      contacts = { wildcard: true };
    } else {
      const list = parseNameAddrList(seen.contact);
      if (!list.ok) return badValue('Contact');
      for (const c of list.value) {
        const exp = c.params.get('expires');
        if (exp !== undefined && (exp === null || parseUnsigned(exp, 2 ** 32 - 1) === undefined)) return badValue('Contact');
      }
      contacts = { wildcard: false, contacts: list.value };
    }
    headers.setCached('contact', contacts);
  }
  if (seen.expires !== undefined && parseUnsigned(seen.expires, 2 ** 32 - 1) === undefined) return badValue('Expires');
  if (seen.date !== undefined && !isSipDate(seen.date)) return badValue('Date');
  return undefined;
}
