// RFC 3261 §20.10 (name-addr), §20.16 (CSeq), §20.42 (Via), §25.1 (grammar); RFC 3581 (rport).
import { formatParams, isTokenChar, isWs, parseParams, quote, scanQuoted, scanToken, skipWs, splitTopLevel, unquote, type ParamSink, type Params } from './syntax.js';
import type { CSeq, NameAddr, Via } from './types.js';
import { checkUri, formatUri, parseUri, type SipUri } from './uri.js';

/** Either a parsed value or the reason it could not be parsed. */
export type ValueResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const bad = <T>(reason: string): ValueResult<T> => ({ ok: false, reason });

/** Largest CSeq sequence number: RFC 3261 §8.1.1.5 requires it to be below 2**31. */
export const MAX_CSEQ = 2 ** 31 - 1;

/** Parses one name-addr or addr-spec followed by header parameters. */
export function parseNameAddr(value: string): ValueResult<NameAddr> {
  const na: NameAddr = { displayName: undefined, uri: EMPTY_URI, params: new Map() };
  const reason = readNameAddr(value, na);
  return reason === undefined ? { ok: true, value: na } : bad(reason);
}

/**
 * Checks a name-addr or addr-spec with header parameters as strictly as parseNameAddr, without
 * building it (the parser validates From, To and Contact this way). Returns why it is invalid, or
 * undefined. The header parameters go to `params` when given.
 */
export function checkNameAddr(value: string, params?: ParamSink): string | undefined {
  return readNameAddr(value, undefined, params);
}

/** Placeholder URI of a NameAddr under construction (replaced before it is returned). */
const EMPTY_URI: SipUri = { scheme: 'sip', user: undefined, password: undefined, host: '', port: undefined, params: new Map(), headers: new Map() };

/** Reads `value` into `out` (when given; else its parameters into `sink`); returns the reason it is invalid, or undefined. */
function readNameAddr(value: string, out: NameAddr | undefined, sink?: ParamSink): string | undefined {
  let i = skipWs(value, 0);
  let uriText: string;
  const c = value.charCodeAt(i);
  const lt = c === 34 || c === 60 ? -1 : value.indexOf('<', i);
  if (c === 34) {
    const end = scanQuoted(value, i);
    if (end === -1) return 'unterminated quoted display name';
    if (out !== undefined) out.displayName = unquote(value.slice(i, end));
    i = skipWs(value, end);
    if (value.charCodeAt(i) !== 60) return 'display name not followed by <URI>';
  } else if (lt !== -1) {
    // display-name = *(token LWS): tokens separated by whitespace only (RFC 4475 §3.1.2.15).
    let j = i;
    while (j < lt) {
      const cj = value.charCodeAt(j);
      if (!isTokenChar(cj) && !isWs(cj)) return 'invalid character in display name';
      j++;
    }
    if (out !== undefined) {
      const dn = value.slice(i, lt).trim();
      out.displayName = dn.length > 0 ? dn.replace(/[ \t]+/g, ' ') : undefined;
    }
    i = lt;
  }
  if (value.charCodeAt(i) === 60) {
    const gt = value.indexOf('>', i);
    if (gt === -1) return 'missing > after URI';
    uriText = value.slice(i + 1, gt);
    i = gt + 1;
  } else {
    // addr-spec: header parameters start at ';'; a URI with ',', ';' or '?' must be in <> (RFC 3261 §20.10).
    let j = i;
    while (j < value.length) {
      const cj = value.charCodeAt(j);
      if (cj === 59 || isWs(cj)) break;
      if (cj === 63 || cj === 44) return 'URI with ? or , must be enclosed in <>';
      j++;
    }
    uriText = value.slice(i, j);
    i = j;
  }
  if (out === undefined) {
    const why = checkUri(uriText);
    if (why !== undefined) return why;
  } else {
    const uri = parseUri(uriText);
    if (!uri.ok) return uri.reason;
    out.uri = uri.uri;
  }
  const end = parseParams(value, i, out === undefined ? sink : out.params);
  if (end === -1) return 'malformed header parameter';
  if (skipWs(value, end) !== value.length) return 'unexpected text after header parameters';
  return undefined;
}

/** Parses a list header of name-addrs (Contact, Route, Record-Route, ...) from its lines. */
export function parseNameAddrList(lines: readonly string[]): ValueResult<NameAddr[]> {
  const out: NameAddr[] = [];
  for (const line of lines) {
    const parts = splitTopLevel(line);
    if (parts === undefined) return bad('unbalanced quotes or angle brackets');
    for (const part of parts) {
      const r = parseNameAddr(part);
      if (!r.ok) return r;
      out.push(r.value);
    }
  }
  return { ok: true, value: out };
}

/** Formats a NameAddr, always with angle brackets. */
export function formatNameAddr(na: NameAddr): string {
  let out = '';
  if (na.displayName !== undefined) out += `${quote(na.displayName)} `;
  return `${out}<${formatUri(na.uri)}>${formatParams(na.params)}`;
}

function parsePortAt(s: string, i: number): { port: number; end: number } | undefined {
  let j = i;
  let n = 0;
  while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57 && j - i < 5) n = n * 10 + s.charCodeAt(j++) - 48;
  if (j === i || n > 65535 || (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57)) return undefined;
  return { port: n, end: j };
}

function isHostChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46;
}

/** Parses one via-parm: sent-protocol LWS sent-by *( SEMI via-params ) (RFC 3261 §20.42). */
export function parseViaValue(s: string): ValueResult<Via> {
  let i = skipWs(s, 0);
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport, SLASH = SWS "/" SWS
  let transport: string;
  let tEnd: number;
  if (s.startsWith('SIP/2.0/', i)) {
    // Fast path for the usual spelling without inner whitespace.
    i += 8;
    tEnd = scanToken(s, i);
    if (tEnd === i) return bad('missing Via transport');
    transport = s.slice(i, tEnd);
    if (transport !== 'UDP' && transport !== 'TCP' && transport !== 'TLS') transport = transport.toUpperCase();
  } else {
    const nameEnd = scanToken(s, i);
    if (s.slice(i, nameEnd).toUpperCase() !== 'SIP') return bad('Via protocol is not SIP');
    i = skipWs(s, nameEnd);
    if (s.charCodeAt(i) !== 47) return bad('malformed Via protocol');
    i = skipWs(s, i + 1);
    const verEnd = scanToken(s, i);
    if (s.slice(i, verEnd) !== '2.0') return bad('Via protocol version is not 2.0');
    i = skipWs(s, verEnd);
    if (s.charCodeAt(i) !== 47) return bad('malformed Via protocol');
    i = skipWs(s, i + 1);
    tEnd = scanToken(s, i);
    if (tEnd === i) return bad('missing Via transport');
    transport = s.slice(i, tEnd).toUpperCase();
  }
  const afterT = skipWs(s, tEnd);
  if (afterT === tEnd) return bad('missing Via sent-by');
  i = afterT;
  let hEnd: number;
  if (s.charCodeAt(i) === 91) {
    hEnd = s.indexOf(']', i);
    if (hEnd === -1) return bad('unterminated IPv6 reference in Via');
    hEnd++;
  } else {
    hEnd = i;
    while (hEnd < s.length && isHostChar(s.charCodeAt(hEnd))) hEnd++;
    if (hEnd === i || s.charCodeAt(i) === 45 || s.charCodeAt(i) === 46) return bad('invalid Via sent-by host');
  }
  const host = s.slice(i, hEnd);
  i = skipWs(s, hEnd);
  let port: number | undefined;
  if (s.charCodeAt(i) === 58) {
    const p = parsePortAt(s, skipWs(s, i + 1));
    if (p === undefined) return bad('invalid Via sent-by port');
    port = p.port;
    i = p.end;
  }
  const params: Params = new Map();
  const end = parseParams(s, i, params);
  if (end === -1) return bad('malformed Via parameter');
  if (skipWs(s, end) !== s.length) return bad('unexpected text in Via');
  const branch = params.get('branch');
  const received = params.get('received');
  const rportRaw = params.get('rport');
  let rport: number | undefined;
  if (typeof rportRaw === 'string') {
    const rp = parsePortAt(rportRaw, 0);
    if (rp === undefined || rp.end !== rportRaw.length) return bad('invalid Via rport');
    rport = rp.port;
  }
  if (branch === null || received === null) return bad('Via branch/received without value');
  return {
    ok: true,
    value: { transport, host, port, params, branch, received, hasRport: rportRaw !== undefined, rport },
  };
}

/** Parses every Via value of the given lines, top first. */
export function parseViaList(lines: readonly string[]): ValueResult<Via[]> {
  const out: Via[] = [];
  for (const line of lines) {
    // Most lines hold one Via: no list to build then.
    if (line.indexOf(',') === -1) {
      const r = parseViaValue(line);
      if (!r.ok) return r;
      out.push(r.value);
      continue;
    }
    const parts = splitTopLevel(line);
    if (parts === undefined) return bad('malformed Via');
    for (const part of parts) {
      const r = parseViaValue(part);
      if (!r.ok) return r;
      out.push(r.value);
    }
  }
  return { ok: true, value: out };
}

/** Formats a Via value from its fields; `params` is written as is (branch/received/rport live there). */
export function formatVia(via: Pick<Via, 'transport' | 'host' | 'port' | 'params'>): string {
  return `SIP/2.0/${via.transport} ${via.host}${via.port === undefined ? '' : `:${via.port}`}${formatParams(via.params)}`;
}

/** Parses `1*DIGIT LWS Method` (RFC 3261 §20.16); seq must be below 2**31. */
export function parseCSeq(s: string): ValueResult<CSeq> {
  let i = skipWs(s, 0);
  const start = i;
  let n = 0;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
    n = n * 10 + s.charCodeAt(i) - 48;
    if (n > MAX_CSEQ) return bad('CSeq number too large');
    i++;
  }
  if (i === start) return bad('CSeq number missing');
  const m = skipWs(s, i);
  if (m === i) return bad('malformed CSeq');
  const mEnd = scanToken(s, m);
  if (mEnd === m || skipWs(s, mEnd) !== s.length) return bad('malformed CSeq method');
  return { ok: true, value: { seq: n, method: s.slice(m, mEnd) } };
}

/** Parses an unsigned decimal of at most `maxDigits` digits, or undefined. */
export function parseUnsigned(s: string, max: number): number | undefined {
  const t = s.trim();
  if (t.length === 0 || t.length > 10) return undefined;
  let n = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    n = n * 10 + c - 48;
  }
  return n <= max ? n : undefined;
}

const RFC1123_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** RFC 3261 §20.17: SIP-date is rfc1123-date and always GMT (RFC 4475 §3.1.2.12). */
export function isSipDate(s: string): boolean {
  return RFC1123_DATE.test(s.trim());
}
