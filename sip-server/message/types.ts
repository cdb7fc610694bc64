// RFC 3261 §7 (SIP messages), §20 (header fields).
import type { SipHeaders } from './headers.js';
import type { Params } from './syntax.js';
import type { SipUri } from './uri.js';

/** A SIP request (RFC 3261 §7.1). `uri` is the Request-URI text; `parseRequestUri()` gives its parts. */
export type SipRequest = {
  kind: 'request';
  method: string;
  uri: string;
  headers: SipHeaders;
  body: Buffer;
};

/** A SIP response (RFC 3261 §7.2). */
export type SipResponse = {
  kind: 'response';
  status: number;
  reason: string;
  headers: SipHeaders;
  body: Buffer;
};

export type SipMessage = SipRequest | SipResponse;

/** name-addr / addr-spec with header parameters (From, To, Contact, Route, Record-Route; RFC 3261 §20.10). */
export type NameAddr = {
  /** Display name without quotes and escapes, or undefined. */
  displayName: string | undefined;
  uri: SipUri;
  /** Header parameters (after the URI); names lower-case, value null for flags. */
  params: Params;
};

/** One Via value (RFC 3261 §20.42). `params` holds every parameter; the named fields are views of it. */
export type Via = {
  /** Upper-case transport: UDP, TCP, TLS, SCTP, WS, WSS or an extension. */
  transport: string;
  /** sent-by host (IPv6 with brackets). */
  host: string;
  /** sent-by port, undefined when absent. */
  port: number | undefined;
  params: Params;
  branch: string | undefined;
  received: string | undefined;
  /** RFC 3581: true when an rport parameter is present (with or without value). */
  hasRport: boolean;
  /** RFC 3581: the rport value, undefined when absent or empty. */
  rport: number | undefined;
};

/** CSeq (RFC 3261 §20.16). */
export type CSeq = { seq: number; method: string };

/** Contact header content (RFC 3261 §20.10): `*` or a list of name-addrs. */
export type ContactList = { wildcard: true } | { wildcard: false; contacts: NameAddr[] };
