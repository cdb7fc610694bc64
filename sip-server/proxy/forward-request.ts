// RFC 3261 §16.6 (request forwarding) as drachtio-server does it (/work/shared/drachtio-protocol.md
// §6.2): one copy per target, Request-URI rule, Max-Forwards, Record-Route, app headers, next hop.
// The transaction layer adds our Via (§16.6 step 8) when it sends the copy.
import { chooseNextHop, isOwnAddress, type Endpoint, type ListeningTransport } from '#sip-server/core/index.js';
import { getMaxForwards, getRoutes, parseUri, type SipRequest } from '#sip-server/message/index.js';

/** A request the proxy may change without touching the server transaction's copy. */
export function copyRequest(req: SipRequest): SipRequest {
  return { kind: 'request', method: req.method, uri: req.uri, headers: req.headers.clone(), body: req.body };
}

/** §16.4: true when the topmost Route names one of our addresses (a loose route to us). */
export function topRouteIsOurs(req: SipRequest, transports: readonly ListeningTransport[]): boolean {
  const top = getRoutes(req)[0];
  return top !== undefined && isOwnAddress(top.uri, transports);
}

/** True when the Request-URI is one of our addresses (the request was sent to us, not through us). */
export function requestUriIsOurs(req: SipRequest, transports: readonly ListeningTransport[]): boolean {
  const r = parseUri(req.uri);
  return r.ok && isOwnAddress(r.uri, transports);
}

/** §16.6 step 3: Max-Forwards after this hop (70 when absent), or undefined when it is exhausted (483). */
export function nextMaxForwards(req: SipRequest): number | undefined {
  const mf = getMaxForwards(req);
  if (mf === undefined) return req.headers.has('max-forwards') ? undefined : 70;
  return mf <= 0 ? undefined : mf - 1;
}

/** `<sip:HOST:PORT[;transport=x];lr>` for the transport the copy leaves on (§16.6 step 4). */
export function recordRouteFor(t: ListeningTransport): string {
  const host = t.externalAddress ?? t.localAddress;
  return `<sip:${host}:${t.localPort}${t.protocol === 'udp' ? '' : `;transport=${t.protocol}`};lr>`;
}

function isOwnEndpoint(e: Endpoint, transports: readonly ListeningTransport[]): boolean {
  return transports.some((t) => t.localPort === e.port && (t.localAddress === e.address || t.externalAddress === e.address));
}

export type BranchRequest = { ok: true; request: SipRequest; destination: Endpoint } | { ok: false; reason: string };

export type ForwardOptions = {
  transports: readonly ListeningTransport[];
  /** Whether the received Request-URI was ours (then the target replaces it, protocol §6.2). */
  replaceRequestUri: boolean;
  recordRoute: boolean;
  headers: readonly (readonly [string, string])[];
  /** The configured outbound proxy: always the next hop when set (protocol §6.2). */
  outboundProxy: string | undefined;
  /** Max-Forwards for the copy (already decremented). */
  maxForwards: number;
};

/**
 * §16.6 steps 1–7 for one target. `received` is the request with our own Route already removed.
 * The Request-URI becomes the target only when the caller addressed us; otherwise it is kept and
 * the target is only the next hop (drachtio-server's rule).
 */
export function buildBranchRequest(received: SipRequest, target: string, o: ForwardOptions): BranchRequest {
  const req = copyRequest(received);
  if (o.replaceRequestUri) req.uri = target;
  req.headers.set('Max-Forwards', String(o.maxForwards));
  for (const [name, value] of o.headers) req.headers.set(name, value);
  const hop = chooseNextHop(o.outboundProxy ?? target, o.transports);
  if (!hop.ok) return { ok: false, reason: hop.reason };
  // A target that is this server would loop the request back to the app (srf's default destination is the R-URI).
  if (isOwnEndpoint(hop.endpoint, o.transports)) return { ok: false, reason: 'target is this server' };
  if (o.recordRoute) {
    if (req.method === 'REGISTER') {
      // Protocol §6.2 / RFC 3327: a registrar keeps us on the path to the UA instead of a Record-Route.
      req.headers.prepend('Path', recordRouteFor(hop.transport));
      req.headers.add('Require', 'path');
    } else req.headers.prepend('Record-Route', recordRouteFor(hop.transport));
  }
  return { ok: true, request: req, destination: hop.endpoint };
}
