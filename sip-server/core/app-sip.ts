// Reads the sparse SIP text an app sends in a `sip` frame (/work/shared/drachtio-protocol.md §3.6, §5.1).
// srf omits Via, CSeq, Call-ID, Max-Forwards and tags, so the message layer's lenient mode is used.
import { parseMessage, type SipMessage } from '#sip-server/message/index.js';

export type AppSipResult = { ok: true; message: SipMessage } | { ok: false; reason: string };

/** §5.1 item 3: headers the app may not set (Content-Length is recomputed on serialization). */
const DROPPED = ['via', 'route', 'record-route', 'rseq', 'content-length'] as const;

/** Parses the app's SIP text and removes the headers the server owns. */
export function parseAppSip(text: string): AppSipResult {
  const r = parseMessage(Buffer.from(text, 'utf8'), { lenient: true });
  if (!r.ok) return { ok: false, reason: r.error.reason };
  for (const name of DROPPED) r.message.headers.remove(name);
  return { ok: true, message: r.message };
}
