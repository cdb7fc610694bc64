// Reads the sparse SIP text an app sends in a `sip` frame (/work/shared/drachtio-protocol.md §3.6, §5.1).
// srf omits Via, CSeq, Call-ID, Max-Forwards and tags, so the message layer's lenient mode is used.
import { parseMessage, type SipMessage } from '#sip-server/message/index.js';

export type AppSipResult = { ok: true; message: SipMessage } | { ok: false; reason: string };

/** §5.1 item 3: headers the app may not set (Content-Length is recomputed on serialization). */
const DROPPED = ['via', 'route', 'record-route', 'rseq', 'content-length'] as const;

/**
 * §5.1 item 4: headers the C++ server knows go out in their standard spelling (srf writes `rack`,
 * `require`, `event` …; peers such as sipp match RAck/Require case-sensitively). The extension headers
 * of RFC 3262, RFC 3311, RFC 6665 and RFC 3515 are re-spelled here (`set` writes the canonical name);
 * other lines keep the app's spelling.
 */
const RESPELLED: ReadonlySet<string> = new Set(['rack', 'require', 'supported', 'event', 'subscription-state', 'allow-events', 'refer-to', 'referred-by', 'replaces']);

/** Parses the app's SIP text and removes the headers the server owns. */
export function parseAppSip(text: string): AppSipResult {
  const r = parseMessage(Buffer.from(text, 'utf8'), { lenient: true });
  if (!r.ok) return { ok: false, reason: r.error.reason };
  const h = r.message.headers;
  for (const name of DROPPED) h.remove(name);
  // One scan of the lines; most app messages carry none of these headers.
  let found: string[] | undefined;
  for (const [name] of h.entries()) if (RESPELLED.has(name) && !found?.includes(name)) (found ??= []).push(name);
  for (const name of found ?? []) h.set(name, h.getLines(name).join(', '));
  return { ok: true, message: r.message };
}
