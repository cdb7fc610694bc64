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

/** Lower-case name → spelling used on the wire when we serialize. */
const CANONICAL: ReadonlyMap<string, string> = new Map(
  [
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
  ].map((n) => [n.toLowerCase(), n]),
);

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
