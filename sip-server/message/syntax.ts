// RFC 3261 §25.1 basic rules: token, word, quoted-string, LWS/SWS, generic-param.

function table(chars: string, alnum: boolean): Uint8Array {
  const t = new Uint8Array(128);
  if (alnum) {
    for (let c = 48; c <= 57; c++) t[c] = 1;
    for (let c = 65; c <= 90; c++) t[c] = 1;
    for (let c = 97; c <= 122; c++) t[c] = 1;
  }
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

/** RFC 3261 §25.1 token characters. */
const TOKEN = table("-.!%*_+`'~", true);

export function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN[code] === 1;
}

/** True when `s` is a non-empty RFC 3261 token. */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

/** Call-ID = word [ "@" word ] (RFC 3261 §25.1); a regex runs faster than a char loop here. */
const CALL_ID_RE = /^[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+(?:@[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+)?$/;

/** True when `s` is a Call-ID: word [ "@" word ] (RFC 3261 §25.1). */
export function isCallId(s: string): boolean {
  return CALL_ID_RE.test(s);
}

export function isWs(code: number): boolean {
  return code === 32 || code === 9;
}

/** Index of the first non-SP/HT character at or after `i`. */
export function skipWs(s: string, i: number): number {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  return i;
}

/** Index just past the token starting at `i` (== i when there is none). */
export function scanToken(s: string, i: number): number {
  while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
  return i;
}

/**
 * Scans a quoted-string starting at the opening DQUOTE at `i`.
 * Returns the index after the closing DQUOTE, or -1 when unterminated or
 * when a bare control character appears (RFC 3261 §25.1 qdtext / quoted-pair).
 */
export function scanQuoted(s: string, i: number): number {
  i++;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 34) return i + 1;
    if (c === 92) {
      // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
      const n = s.charCodeAt(i + 1);
      if (i + 1 >= s.length || n === 10 || n === 13 || n > 127) return -1;
      i += 2;
      continue;
    }
    if ((c < 32 && c !== 9) || c === 127) return -1;
    i++;
  }
  return -1;
}

/** Removes the quotes and quoted-pair escapes of a quoted-string. */
export function unquote(q: string): string {
  const inner = q.slice(1, -1);
  return inner.includes('\\') ? inner.replace(/\\(.)/gs, '$1') : inner;
}

/** Quotes `s` as a quoted-string, escaping `"` and `\`. */
export function quote(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * Splits a header value on commas that are outside quoted strings and angle
 * brackets (RFC 3261 §7.3.1). Parts are trimmed. Returns undefined when quotes
 * or brackets are unbalanced.
 */
export function splitTopLevel(value: string): string[] | undefined {
  if (value.indexOf(',') === -1) return [value.trim()];
  const out: string[] = [];
  let start = 0;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 34) {
      const end = scanQuoted(value, i);
      if (end === -1) return undefined;
      i = end - 1;
    } else if (c === 60) {
      if (angle) return undefined;
      angle = true;
    } else if (c === 62) {
      if (!angle) return undefined;
      angle = false;
    } else if (c === 44 && !angle) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (angle) return undefined;
  out.push(value.slice(start).trim());
  return out;
}

/** Parsed generic parameters: lower-case name → value (null when the parameter has no `=value`). */
export type Params = Map<string, string | null>;

/** Where parseParams puts each parameter (name lower-case): a Params map, or a checker that looks at a few. */
export type ParamSink = { set(name: string, value: string | null): unknown };

/**
 * Parses `*( SWS ";" SWS generic-param )` starting at `i` (RFC 3261 §25.1):
 * gen-value = token / host / quoted-string. Stops at end of string or at a
 * character that cannot continue the list. Adds the params to `params` (when given; else only
 * checks them) and returns the stop index, or -1 when a parameter is malformed (empty name, `;;`, bad value).
 */
export function parseParams(s: string, i: number, params: ParamSink | undefined): number {
  for (;;) {
    const j = skipWs(s, i);
    if (j >= s.length || s.charCodeAt(j) !== 59) return j;
    i = skipWs(s, j + 1);
    let nameEnd = i;
    let upper = false;
    for (; nameEnd < s.length; nameEnd++) {
      const c = s.charCodeAt(nameEnd);
      if (!isTokenChar(c)) break;
      if (c >= 65 && c <= 90) upper = true;
    }
    if (nameEnd === i) return -1;
    const nameStart = i;
    i = skipWs(s, nameEnd);
    if (i < s.length && s.charCodeAt(i) === 61) {
      i = skipWs(s, i + 1);
      let vEnd: number;
      if (s.charCodeAt(i) === 34) {
        vEnd = scanQuoted(s, i);
        if (vEnd === -1) return -1;
      } else if (s.charCodeAt(i) === 91) {
        vEnd = s.indexOf(']', i);
        if (vEnd === -1) return -1;
        vEnd++;
      } else {
        // token, or a host; ':' is accepted so that via-received may hold a bare IPv6address (RFC 3261 §20.42).
        vEnd = i;
        while (vEnd < s.length && (isTokenChar(s.charCodeAt(vEnd)) || s.charCodeAt(vEnd) === 58)) vEnd++;
      }
      if (vEnd === i) return -1;
      params?.set(paramName(s, nameStart, nameEnd, upper), s.slice(i, vEnd));
      i = vEnd;
    } else {
      params?.set(paramName(s, nameStart, nameEnd, upper), null);
    }
  }
}

function paramName(s: string, from: number, to: number, upper: boolean): string {
  return upper ? s.slice(from, to).toLowerCase() : s.slice(from, to);
}

/** Formats params as `;name=value;flag`. */
export function formatParams(params: ReadonlyMap<string, string | null>): string {
  let out = '';
  for (const [k, v] of params) out += v === null ? `;${k}` : `;${k}=${v}`;
  return out;
}
