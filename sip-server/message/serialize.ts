// RFC 3261 §7 (message format), §18.3 (Content-Length counts body bytes).
import type { SipMessage } from './types.js';
import { imageMatches } from './wire-image.js';

/**
 * Serializes a message to wire bytes. Header lines are written in order with
 * their values as stored; Content-Length always states the body's byte length
 * (rewritten if it differs, appended if missing). A parsed message that is still unchanged is
 * returned as the bytes it was parsed from (a view of the received buffer: do not write into it).
 */
export function serializeMessage(msg: SipMessage): Buffer {
  const image = msg.headers.image;
  if (image !== undefined && imageMatches(msg, image)) return image.bytes;
  const start = msg.kind === 'request' ? `${msg.method} ${msg.uri} SIP/2.0\r\n` : `SIP/2.0 ${msg.status} ${msg.reason}\r\n`;
  const head = `${msg.headers.serializeInto(start, msg.body.length)}\r\n`;
  if (msg.body.length === 0) return Buffer.from(head, 'utf8');
  const headLen = Buffer.byteLength(head, 'utf8');
  const out = Buffer.allocUnsafe(headLen + msg.body.length);
  out.write(head, 0, 'utf8');
  msg.body.copy(out, headLen);
  return out;
}
