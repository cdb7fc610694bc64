// RFC 3261 §19.1 (SIP and SIPS URIs), §25.1 (grammar); RFC 3966 (tel, minimal); RFC 3986 §3.1 (scheme).
import { formatParams, type Params } from './syntax.js';

/**
 * A parsed URI. `sip:`/`sips:` fill user/password/host/port/params/headers;
 * `tel:` puts the number in `user` (host ''); any other scheme keeps the text
 * after the colon in `opaque` (RFC 3261 §19.1: absoluteURI is allowed).
 * IPv6 hosts keep their brackets (`[2001:db8::1]`). Parameter names are lower-case.
 */
export type SipUri = {
  /** Lower-case scheme: 'sip', 'sips', 'tel' or another absoluteURI scheme. */
  scheme: string;
  /** Escaped user part as received (percent-escapes are kept). */
  user: string | undefined;
  password: string | undefined;
  host: string;
  port: number | undefined;
  params: Params;
  /** URI headers (`?name=value&...`), values kept escaped. Read-only: build a new Map to change them. */
  headers: ReadonlyMap<string, string>;
  /** For schemes other than sip/sips/tel: everything after `scheme:`. */
  opaque?: string;
};

/** Result of parseUri: the URI, or the reason it is invalid. */
export type UriResult = { ok: true; uri: SipUri } | { ok: false; reason: string };

const enum_ = (chars: string): Uint8Array => {
  const t = new Uint8Array(128);
  for (let c = 48; c <= 57; c++) t[c] = 1;
  for (let c = 65; c <= 90; c++) t[c] = 1;
  for (let c = 97; c <= 122; c++) t[c] = 1;
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
};
// unreserved = alphanum / mark; mark = - _ . ! ~ * ' ( )
const USER = enum_("-_.!~*'()&=+$,;?/%");
const PASSWORD = enum_("-_.!~*'()&=+$,%");
const PARAM = enum_("-_.!~*'()[]/:&+$%");
const HNV = enum_("-_.!~*'()[]/?:+$%");
const HOST = enum_('-.');
const TEL = enum_("-_.!~*'()&=+$,;?/%:@[]");
const SCHEME = enum_('+-.');

function allIn(s: string, t: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || t[c] !== 1) return false;
    // escaped = "%" HEXDIG HEXDIG
    if (c === 37 && !(isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2)) && i + 2 < to)) return false;
  }
  return true;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function validHost(h: string): boolean {
  if (h.length === 0) return false;
  if (h.charCodeAt(0) === 91) {
    // IPv6reference = "[" IPv6address "]"
    if (h.charCodeAt(h.length - 1) !== 93 || h.length < 4) return false;
    for (let i = 1; i < h.length - 1; i++) {
      const c = h.charCodeAt(i);
      if (!(isHex(c) || c === 58 || c === 46)) return false;
    }
    return h.includes(':');
  }
  if (!allIn(h, HOST, 0, h.length) || h.includes('%')) return false;
  // hostname labels must not start with '-' or be empty (except a trailing '.')
  const c0 = h.charCodeAt(0);
  return c0 !== 45 && c0 !== 46 && !h.includes('..');
}

/** Shared empty URI-header map (URIs rarely carry headers). */
const NO_HEADERS: ReadonlyMap<string, string> = new Map();

/** Parses a URI strictly (no whitespace, no angle brackets). */
export function parseUri(text: string): UriResult {
  const uri: SipUri = { scheme: 'sip', user: undefined, password: undefined, host: '', port: undefined, params: new Map(), headers: NO_HEADERS };
  const reason = readUri(text, uri, true);
  return reason === undefined ? { ok: true, uri } : { ok: false, reason };
}

/**
 * Checks a URI as strictly as parseUri without building its parts (the parser validates headers
 * this way; accessors parse them on first use). Returns why the URI is invalid, or undefined.
 * With `allowHeaders` false, URI headers are refused (RFC 3261 §19.1.1: none in a Request-URI).
 */
export function checkUri(text: string, allowHeaders = true): string | undefined {
  return readUri(text, undefined, allowHeaders);
}

/** Reads `text` into `out` (when given); returns the reason it is invalid, or undefined. */
function readUri(text: string, out: SipUri | undefined, allowHeaders: boolean): string | undefined {
  // Fast path for the common schemes.
  if (text.charCodeAt(3) === 58 && (text.charCodeAt(0) | 32) === 115 && (text.charCodeAt(1) | 32) === 105 && (text.charCodeAt(2) | 32) === 112) {
    return readSipUri(text, 4, out, allowHeaders);
  }
  const colon = text.indexOf(':');
  if (colon <= 0) return 'missing URI scheme';
  const c0 = text.charCodeAt(0);
  if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122)) || !allIn(text, SCHEME, 1, colon)) return 'invalid URI scheme';
  const scheme = text.slice(0, colon).toLowerCase();
  if (out !== undefined) out.scheme = scheme;
  if (scheme === 'sip' || scheme === 'sips') return readSipUri(text, colon + 1, out, allowHeaders);
  if (scheme === 'tel') return readTelUri(text, colon + 1, out);
  if (colon + 1 === text.length) return 'empty URI';
  for (let i = colon + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 60 || c === 62 || c === 34) return 'invalid character in URI';
  }
  if (out !== undefined) out.opaque = text.slice(colon + 1);
  return undefined;
}

function readSipUri(s: string, start: number, out: SipUri | undefined, allowHeaders: boolean): string | undefined {
  const len = s.length;
  // userinfo: everything up to the only '@' (neither host, params nor headers may contain '@').
  // One pass looks for '@' and checks user characters; it stops at the first character a user part
  // cannot hold (then there is no userinfo, e.g. before an IPv6 reference).
  let i = start;
  let colonAt = -1;
  let at = -1;
  let escapes = false;
  for (let j = start; j < len; j++) {
    const c = s.charCodeAt(j);
    if (c === 64) {
      at = j;
      break;
    }
    if (c === 58) {
      if (colonAt === -1) colonAt = j;
      continue;
    }
    if (c >= 128 || USER[c] !== 1) break;
    if (c === 37) escapes = true;
  }
  if (at !== -1) {
    const userEnd = colonAt !== -1 ? colonAt : at;
    if (userEnd === start || (escapes && !allIn(s, USER, start, userEnd))) return 'invalid user part in URI';
    if (out !== undefined) out.user = s.slice(start, userEnd);
    if (userEnd !== at) {
      if (!allIn(s, PASSWORD, userEnd + 1, at)) return 'invalid password in URI';
      if (out !== undefined) out.password = s.slice(userEnd + 1, at);
    }
    i = at + 1;
  }
  const hostEnd = scanHost(s, i);
  if (hostEnd === -1) return 'invalid host in URI';
  if (out !== undefined) out.host = s.slice(i, hostEnd);
  i = hostEnd;
  if (s.charCodeAt(i) === 58) {
    let j = i + 1;
    let n = 0;
    for (; j < len; j++) {
      const d = s.charCodeAt(j);
      if (d < 48 || d > 57) break;
      n = n * 10 + d - 48;
    }
    if (j === i + 1 || j - i > 6 || n > 65535) return 'invalid port in URI';
    if (out !== undefined) out.port = n;
    i = j;
  }
  i = scanUriParams(s, i, out?.params);
  if (i === -1) return 'invalid URI parameter';
  if (s.charCodeAt(i) === 63) {
    if (!allowHeaders) return 'URI headers not allowed';
    const h = out === undefined ? undefined : new Map<string, string>();
    i = scanUriHeaders(s, i, h);
    if (i === -1) return 'invalid URI header';
    if (out !== undefined && h !== undefined) out.headers = h;
  }
  if (i !== len) return 'invalid character in URI';
  return undefined;
}

/** End of the host starting at `i` (hostname, IPv4address or IPv6reference), or -1 when invalid. */
function scanHost(s: string, i: number): number {
  const hostStart = i;
  if (s.charCodeAt(i) === 91) {
    const close = s.indexOf(']', i);
    if (close === -1 || !validHost(s.slice(hostStart, close + 1))) return -1;
    return close + 1;
  }
  // hostname / IPv4address: alphanum, '-', '.'; labels do not start with '-' or '.'
  let prev = 46;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90)) {
      prev = c;
      continue;
    }
    if (c === 46 || c === 45) {
      if (prev === 46 || (c === 45 && i === hostStart)) return -1;
      prev = c;
      continue;
    }
    break;
  }
  return i === hostStart ? -1 : i;
}

/** Reads `*( ";" uri-parameter )` from `i` into `params` when given (names lower-cased); returns the end or -1. */
function scanUriParams(s: string, i: number, params: Params | undefined): number {
  const len = s.length;
  while (s.charCodeAt(i) === 59) {
    // One pass per parameter: find '=' and the end, check characters, note upper case in the name.
    const nameStart = i + 1;
    let j = nameStart;
    let eq = -1;
    let upper = false;
    let pct = false;
    for (; j < len; j++) {
      const d = s.charCodeAt(j);
      if (d === 59 || d === 63) break;
      if (d === 61) {
        if (eq !== -1) return -1;
        eq = j;
        continue;
      }
      if (d >= 128 || PARAM[d] !== 1) return -1;
      if (d === 37) pct = true;
      else if (eq === -1 && d >= 65 && d <= 90) upper = true;
    }
    const nameEnd = eq === -1 ? j : eq;
    if (nameEnd === nameStart || (eq !== -1 && j === eq + 1)) return -1;
    if (pct && (!allIn(s, PARAM, nameStart, nameEnd) || (eq !== -1 && !allIn(s, PARAM, eq + 1, j)))) return -1;
    if (params !== undefined) {
      const name = s.slice(nameStart, nameEnd);
      params.set(upper ? name.toLowerCase() : name, eq === -1 ? null : s.slice(eq + 1, j));
    }
    i = j;
  }
  return i;
}

/** Reads `"?" header *( "&" header )` from the `?` at `i` into `headers` when given; returns the end or -1. */
function scanUriHeaders(s: string, i: number, headers: Map<string, string> | undefined): number {
  const len = s.length;
  for (;;) {
    let j = i + 1;
    let eq = -1;
    for (; j < len; j++) {
      const d = s.charCodeAt(j);
      if (d === 38) break;
      if (d === 61 && eq === -1) eq = j;
    }
    if (eq === -1 || eq === i + 1) return -1;
    if (!allIn(s, HNV, i + 1, eq) || !allIn(s, HNV, eq + 1, j)) return -1;
    headers?.set(s.slice(i + 1, eq), s.slice(eq + 1, j));
    i = j;
    if (i >= len) return i;
  }
}

function readTelUri(s: string, start: number, out: SipUri | undefined): string | undefined {
  let end = s.indexOf(';', start);
  if (end === -1) end = s.length;
  if (end === start || !allIn(s, TEL, start, end)) return 'invalid telephone number';
  let i = end;
  while (i < s.length) {
    let j = i + 1;
    while (j < s.length && s.charCodeAt(j) !== 59) j++;
    const eq = s.indexOf('=', i + 1);
    const nameEnd = eq !== -1 && eq < j ? eq : j;
    if (nameEnd === i + 1 || !allIn(s, PARAM, i + 1, nameEnd)) return 'invalid tel URI parameter';
    if (nameEnd !== j && !allIn(s, TEL, nameEnd + 1, j)) return 'invalid tel URI parameter value';
    out?.params.set(s.slice(i + 1, nameEnd).toLowerCase(), nameEnd === j ? null : s.slice(nameEnd + 1, j));
    i = j;
  }
  if (out !== undefined) out.user = s.slice(start, end);
  return undefined;
}

/** Formats a URI back to text (inverse of parseUri). */
export function formatUri(uri: SipUri): string {
  if (uri.opaque !== undefined) return `${uri.scheme}:${uri.opaque}`;
  if (uri.scheme === 'tel') return `tel:${uri.user ?? ''}${formatParams(uri.params)}`;
  let out = `${uri.scheme}:`;
  if (uri.user !== undefined) out += uri.password === undefined ? `${uri.user}@` : `${uri.user}:${uri.password}@`;
  out += uri.host;
  if (uri.port !== undefined) out += `:${uri.port}`;
  out += formatParams(uri.params);
  let first = true;
  for (const [k, v] of uri.headers) {
    out += `${first ? '?' : '&'}${k}=${v}`;
    first = false;
  }
  return out;
}

/** Builds a sip/sips URI from parts (params and headers default to empty). */
export function makeSipUri(parts: {
  scheme?: 'sip' | 'sips';
  user?: string;
  password?: string;
  host: string;
  port?: number;
  params?: Iterable<readonly [string, string | null]>;
  headers?: Iterable<readonly [string, string]>;
}): SipUri {
  return {
    scheme: parts.scheme ?? 'sip',
    user: parts.user,
    password: parts.password,
    host: parts.host,
    port: parts.port,
    params: new Map(parts.params ?? []),
    headers: parts.headers === undefined ? NO_HEADERS : new Map(parts.headers),
  };
}
