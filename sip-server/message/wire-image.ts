// RFC 3261 §7 (message format): a parsed message that nobody changed serializes to the bytes it came from.
import type { SipMessage } from './types.js';

/**
 * The received bytes of a message (leading CRLFs and bytes after Content-Length excluded), kept by the
 * parser only when serializing the unchanged message would rebuild exactly these bytes (canonical
 * start line, Content-Length stating the body length). SipHeaders drops it on the first header change;
 * the start-line fields and the body are compared when serializing.
 */
export type WireImage = {
  readonly bytes: Buffer;
  /** Request: method and Request-URI; response: status code and reason phrase, as parsed. */
  readonly first: string | number;
  readonly second: string;
  readonly body: Buffer;
};

/** True when `msg` still has the start line and body `image` was taken with (its headers are checked by SipHeaders). */
export function imageMatches(msg: SipMessage, image: WireImage): boolean {
  if (msg.body !== image.body) return false;
  return msg.kind === 'request' ? msg.method === image.first && msg.uri === image.second : msg.status === image.first && msg.reason === image.second;
}

/**
 * True when serializing would write `startLine` back unchanged: `SIP/2.0` in upper case and, in a
 * Status-Line, a space after the code (the parser has already checked the rest of the structure).
 */
export function isCanonicalStartLine(startLine: string, kind: SipMessage['kind']): boolean {
  return kind === 'request' ? startLine.endsWith(' SIP/2.0') : startLine.startsWith('SIP/2.0 ') && startLine.charCodeAt(11) === 32;
}
