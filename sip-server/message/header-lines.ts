// RFC 3261 §7.3 (header fields), §7.3.1 (unfolding continuation lines).
import { SIP_MESSAGE_ERROR_CODES as E } from './error-codes.js';
import { matchKnownName, resolveHeaderName } from './header-names.js';
import type { SipHeaders } from './headers.js';
import { Failure } from './parse-failure.js';
import { isToken, isWs } from './syntax.js';

/**
 * Reads the header lines of `head` from offset `from` into `headers`, unfolding continuations and
 * gathering the values validateHeaders checks.
 */
export function readHeaderLines(head: string, from: number, headers: SipHeaders, maxHeaders: number): Seen | Failure {
  let pos = from;
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
  return seen;
}

export /** Header values the parser checks, gathered while reading the lines. */
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

