// RFC 3261 §7.3.3 (compact forms), §20 (header fields), §7.3.1 (comma-separated lists).

/** Compact form (one letter, lower-case) → full lower-case name. RFC 3261 §7.3.3 plus later RFCs. */
export const COMPACT_FORMS: ReadonlyMap<string, string> = new Map([
  ['a', 'accept-contact'],
  ['b', 'referred-by'],
  ['c', 'content-type'],
  ['d', 'request-disposition'],
  ['e', 'content-encoding'],
  ['f', 'from'],
  ['i', 'call-id'],
  ['j', 'reject-contact'],
  ['k', 'supported'],
  ['l', 'content-length'],
  ['m', 'contact'],
  ['n', 'identity-info'],
  ['o', 'event'],
  ['r', 'refer-to'],
  ['s', 'subject'],
  ['t', 'to'],
  ['u', 'allow-events'],
  ['v', 'via'],
  ['x', 'session-expires'],
  ['y', 'identity'],
]);

const CANONICAL_NAMES = [
    'Accept', 'Accept-Contact', 'Accept-Encoding', 'Accept-Language', 'Alert-Info', 'Allow', 'Allow-Events',
    'Authentication-Info', 'Authorization', 'Call-ID', 'Call-Info', 'Contact', 'Content-Disposition',
    'Content-Encoding', 'Content-Language', 'Content-Length', 'Content-Type', 'CSeq', 'Date', 'Error-Info',
    'Event', 'Expires', 'From', 'Identity', 'Identity-Info', 'In-Reply-To', 'Max-Forwards', 'Min-Expires',
    'Min-SE', 'MIME-Version', 'Organization', 'P-Asserted-Identity', 'P-Preferred-Identity', 'Path',
    'Priority', 'Privacy', 'Proxy-Authenticate', 'Proxy-Authorization', 'Proxy-Require', 'RAck', 'Reason',
    'Record-Route', 'Refer-To', 'Referred-By', 'Reject-Contact', 'Replaces', 'Reply-To', 'Request-Disposition',
    'Require', 'Retry-After', 'Route', 'RSeq', 'Server', 'Service-Route', 'Session-Expires', 'Subject',
    'Subscription-State', 'Supported', 'Timestamp', 'To', 'Unsupported', 'User-Agent', 'Via', 'Warning',
    'WWW-Authenticate',
];

/** Lower-case name → spelling used on the wire when we serialize. */
const CANONICAL: ReadonlyMap<string, string> = new Map(CANONICAL_NAMES.map((n) => [n.toLowerCase(), n]));

/** A header name as seen on the wire, resolved: lower-case full key and the spelling to write back. */
export type ResolvedName = { readonly key: string; readonly wire: string; /** True for a spelling from the known table (always a valid token). */ readonly known: boolean };

/**
 * Spellings seen on the wire in practice (canonical, lower-case, upper-case, compact) → resolved
 * name, so the parser's common case is one Map lookup instead of lower-casing every name.
 */
const KNOWN_SPELLINGS: ReadonlyMap<string, ResolvedName> = (() => {
  const m = new Map<string, ResolvedName>();
  for (const wire of CANONICAL_NAMES) {
    const key = wire.toLowerCase();
    const r = { key, wire, known: true };
    m.set(wire, r);
    m.set(key, r);
    m.set(wire.toUpperCase(), r);
  }
  for (const [letter, key] of COMPACT_FORMS) {
    const r = { key, wire: CANONICAL.get(key) ?? letter, known: true };
    m.set(letter, r);
    m.set(letter.toUpperCase(), r);
  }
  return m;
})();

type Candidate = ResolvedName & { readonly lower: string };

/** Bucket index of a name: length and first letter (ASCII case folded); names longer than 31 are never known. */
function bucketIndex(len: number, first: number): number {
  return (len << 5) | ((first | 32) & 31);
}

/** Known names by bucketIndex, for matching in place without slicing (see matchKnownName). */
const BUCKETS: ReadonlyArray<readonly Candidate[] | undefined> = (() => {
  const t: Array<Candidate[] | undefined> = new Array<Candidate[] | undefined>(32 << 5).fill(undefined);
  const add = (c: Candidate): void => {
    const i = bucketIndex(c.lower.length, c.lower.charCodeAt(0));
    (t[i] ??= []).push(c);
  };
  for (const wire of CANONICAL_NAMES) {
    const key = wire.toLowerCase();
    add({ key, wire, known: true, lower: key });
  }
  for (const [letter, key] of COMPACT_FORMS) add({ key, wire: CANONICAL.get(key) ?? letter, known: true, lower: letter });
  return t;
})();

/**
 * Finds the known header whose name equals `s[from, to)` ignoring ASCII case, without allocating.
 * Returns undefined for unknown names.
 */
export function matchKnownName(s: string, from: number, to: number): ResolvedName | undefined {
  const len = to - from;
  if (len <= 0 || len > 31) return undefined;
  const bucket = BUCKETS[bucketIndex(len, s.charCodeAt(from))];
  if (bucket === undefined) return undefined;
  // Fast path: the canonical or lower-case spelling. Comparing a slice with === is cheaper than
  // startsWith at an offset or a char loop (measured).
  const name = s.slice(from, to);
  for (let b = 0; b < bucket.length; b++) {
    const cand = bucket[b] as Candidate;
    if (name === cand.wire || name === cand.lower) return cand;
  }
  for (let b = 0; b < bucket.length; b++) {
    const cand = bucket[b] as Candidate;
    const l = cand.lower;
    let i = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(from + i);
      const lc = l.charCodeAt(i);
      // Letters fold to lower case; anything else must match exactly.
      if (c !== lc && !(c >= 65 && c <= 90 && (c | 32) === lc)) break;
    }
    if (i === len) return cand;
  }
  return undefined;
}

/** Resolves a header name as written on the wire (compact forms expanded). */
export function resolveHeaderName(name: string): ResolvedName {
  const hit = KNOWN_SPELLINGS.get(name);
  if (hit !== undefined) return hit;
  const key = normalizeHeaderName(name);
  return { key, wire: CANONICAL.get(key) ?? name, known: false };
}

/**
 * Headers whose values form a comma-separated list (RFC 3261 §7.3.1), so
 * `getAll()` splits them. Authorization-style headers contain commas inside one
 * value and are deliberately absent.
 */
const LIST_HEADERS: ReadonlySet<string> = new Set([
  'accept', 'accept-contact', 'accept-encoding', 'accept-language', 'alert-info', 'allow', 'allow-events',
  'call-info', 'contact', 'content-encoding', 'content-language', 'error-info', 'in-reply-to',
  'p-asserted-identity', 'p-preferred-identity', 'path', 'privacy', 'proxy-require', 'reason', 'record-route',
  'reject-contact', 'require', 'route', 'service-route', 'supported', 'unsupported', 'via', 'warning',
]);

/** Headers that may appear at most once (RFC 3261 §7.3.1, RFC 4475 §3.1.2.? multi01, mcl01). */
export const SINGLE_HEADERS: readonly string[] = ['from', 'to', 'call-id', 'cseq', 'content-length', 'max-forwards'];

/** Lower-cases a header name and expands its compact form. */
export function normalizeHeaderName(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length === 1) return COMPACT_FORMS.get(lower) ?? lower;
  return lower;
}

/** Wire spelling for a lower-case header name; unknown names keep `fallback` (the name as received or added). */
export function canonicalHeaderName(key: string, fallback: string): string {
  return CANONICAL.get(key) ?? fallback;
}

/** True when `getAll(name)` splits the values of `name` on top-level commas. */
export function isListHeader(key: string): boolean {
  return LIST_HEADERS.has(key);
}
