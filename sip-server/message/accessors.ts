// Typed views of the headers RFC 3261 elements read: §20.10 Contact, §20.16 CSeq, §20.20 From,
// §20.22 Max-Forwards, §20.30 Record-Route, §20.34 Route, §20.39 To, §20.42 Via; RFC 3581 rport.
import { formatVia, parseCSeq, parseNameAddr, parseNameAddrList, parseUnsigned, parseViaList } from './header-values.js';
import { tagParam } from './tag-param.js';
import type { ContactList, CSeq, NameAddr, SipMessage, SipRequest, Via } from './types.js';
import { parseUri, type SipUri } from './uri.js';

/** All Via values, top first ([] when absent or malformed). */
export function getVias(msg: SipMessage): Via[] {
  return msg.headers.cached('via', () => {
    const r = parseViaList(msg.headers.getLines('via'));
    return r.ok ? r.value : [];
  });
}

/** The top Via (RFC 3261 §18.2.1, §18.1.2), or undefined. */
export function getTopVia(msg: SipMessage): Via | undefined {
  return getVias(msg)[0];
}

/** CSeq, or undefined when absent or malformed. */
export function getCSeq(msg: SipMessage): CSeq | undefined {
  return msg.headers.cached('cseq', () => {
    const v = msg.headers.get('cseq');
    if (v === undefined) return undefined;
    const r = parseCSeq(v);
    return r.ok ? r.value : undefined;
  });
}

function nameAddrHeader(msg: SipMessage, key: 'from' | 'to'): NameAddr | undefined {
  return msg.headers.cached(key, () => {
    const v = msg.headers.get(key);
    if (v === undefined) return undefined;
    const r = parseNameAddr(v);
    return r.ok ? r.value : undefined;
  });
}

/** From (RFC 3261 §20.20). */
export function getFrom(msg: SipMessage): NameAddr | undefined {
  return nameAddrHeader(msg, 'from');
}

/** To (RFC 3261 §20.39). */
export function getTo(msg: SipMessage): NameAddr | undefined {
  return nameAddrHeader(msg, 'to');
}

/** From tag, or undefined (read without parsing the whole From). */
export function getFromTag(msg: SipMessage): string | undefined {
  const v = msg.headers.get('from');
  return v === undefined ? undefined : tagParam(v);
}

/** To tag, or undefined (read without parsing the whole To). */
export function getToTag(msg: SipMessage): string | undefined {
  const v = msg.headers.get('to');
  return v === undefined ? undefined : tagParam(v);
}

/** Call-ID, or undefined. */
export function getCallId(msg: SipMessage): string | undefined {
  return msg.headers.get('call-id');
}

/** Contact header content: `*`, a list, or undefined when absent or malformed. */
export function getContacts(msg: SipMessage): ContactList | undefined {
  return msg.headers.cached('contact', (): ContactList | undefined => {
    const lines = msg.headers.getLines('contact');
    if (lines.length === 0) return undefined;
    if (lines.length === 1 && (lines[0] as string).trim() === '*') return { wildcard: true };
    const r = parseNameAddrList(lines);
    return r.ok ? { wildcard: false, contacts: r.value } : undefined;
  });
}

/** Expires of one Contact: its `expires` param, else the message's Expires header, else undefined (RFC 3261 §10.2.1.1). */
export function getContactExpires(msg: SipMessage, contact: NameAddr): number | undefined {
  const p = contact.params.get('expires');
  if (typeof p === 'string') return parseUnsigned(p, 2 ** 32 - 1);
  return getExpires(msg);
}

/** Expires header value in seconds, or undefined. */
export function getExpires(msg: SipMessage): number | undefined {
  const v = msg.headers.get('expires');
  return v === undefined ? undefined : parseUnsigned(v, 2 ** 32 - 1);
}

function nameAddrList(msg: SipMessage, key: 'route' | 'record-route'): NameAddr[] {
  return msg.headers.cached(key, () => {
    const r = parseNameAddrList(msg.headers.getLines(key));
    return r.ok ? r.value : [];
  });
}

/** Route values, top first ([] when absent or malformed). */
export function getRoutes(msg: SipMessage): NameAddr[] {
  return nameAddrList(msg, 'route');
}

/** Record-Route values, top first ([] when absent or malformed). */
export function getRecordRoutes(msg: SipMessage): NameAddr[] {
  return nameAddrList(msg, 'record-route');
}

/** Max-Forwards (0..255), or undefined when absent or malformed. */
export function getMaxForwards(msg: SipMessage): number | undefined {
  const v = msg.headers.get('max-forwards');
  return v === undefined ? undefined : parseUnsigned(v, 255);
}

/** Content-Length as stated in the header, or undefined when absent. Serialization always writes `body.length`. */
export function getContentLength(msg: SipMessage): number | undefined {
  const v = msg.headers.get('content-length');
  return v === undefined ? undefined : parseUnsigned(v, Number.MAX_SAFE_INTEGER);
}

/** Content-Type media type, lower-case, without parameters (e.g. `application/sdp`), or undefined. */
export function getContentType(msg: SipMessage): string | undefined {
  const v = msg.headers.get('content-type');
  if (v === undefined) return undefined;
  const semi = v.indexOf(';');
  return (semi === -1 ? v : v.slice(0, semi)).trim().toLowerCase();
}

/** The parsed Request-URI (the parser has validated it, so this only fails if `uri` was changed to bad text). */
export function parseRequestUri(req: SipRequest): SipUri | undefined {
  const r = parseUri(req.uri);
  return r.ok ? r.uri : undefined;
}

/** Replaces the top Via value (e.g. after stamping received/rport, RFC 3581 §4). */
export function replaceTopVia(msg: SipMessage, via: Via): void {
  msg.headers.removeFirst('via');
  msg.headers.prepend('via', formatVia(via));
}

/** Adds a tag to To when it has none (RFC 3261 §8.2.6.2); keeps the rest of the value as is. */
export function setToTag(msg: SipMessage, tag: string): void {
  const to = getTo(msg);
  if (to === undefined || to.params.has('tag')) return;
  const v = msg.headers.get('to') as string;
  msg.headers.set('to', `${v};tag=${tag}`);
}
