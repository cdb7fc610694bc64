// RFC 3261 §18.2.1 (received), §18.1.2 (sent-by check), §18.2.2 (sending responses); RFC 3581 §4 (rport).
import { getTopVia, replaceTopVia, type SipRequest, type SipResponse, type SipUri, type Via } from '#sip-server/message/index.js';
import type { ListeningPoint, MessageSource, TransportKind } from './types.js';

/**
 * Stamps the top Via of a received request: `received` when sent-by differs from the
 * packet's source address (RFC 3261 §18.2.1), and `received` + `rport` when the client
 * asked for rport (RFC 3581 §4). Returns false when the top Via is missing.
 */
export function stampReceived(request: SipRequest, source: MessageSource): boolean {
  const via = getTopVia(request);
  if (via === undefined) return false;
  const hostDiffers = stripBrackets(via.host) !== source.remoteAddress;
  if (!hostDiffers && !via.hasRport) return true;
  const params = new Map(via.params);
  if (hostDiffers || via.hasRport) params.set('received', source.remoteAddress);
  if (via.hasRport) params.set('rport', String(source.remotePort));
  const stamped: Via = {
    ...via,
    params,
    received: source.remoteAddress,
    rport: via.hasRport ? source.remotePort : via.rport,
  };
  replaceTopVia(request, stamped);
  return true;
}

/** RFC 3261 §18.1.2: a response is ours only when its top Via sent-by is one of our listening points. */
export function sentByIsOurs(response: SipResponse, points: readonly ListeningPoint[]): boolean {
  const via = getTopVia(response);
  if (via === undefined) return false;
  const host = stripBrackets(via.host).toLowerCase();
  for (const p of points) {
    const port = via.port ?? defaultPort(p.protocol);
    if (port !== p.localPort) continue;
    if (host === p.localAddress.toLowerCase() || (p.externalAddress !== undefined && host === p.externalAddress.toLowerCase())) return true;
  }
  return false;
}

/** Where a response goes when the request's connection is gone (RFC 3261 §18.2.2, RFC 3581 §4). */
export function responseDestination(response: SipResponse): { transport: TransportKind; host: string; port: number } | undefined {
  const via = getTopVia(response);
  if (via === undefined) return undefined;
  const transport = viaTransportKind(via.transport);
  if (transport === undefined) return undefined;
  const maddr = via.params.get('maddr');
  if (typeof maddr === 'string') return { transport, host: stripBrackets(maddr), port: via.port ?? defaultPort(transport) };
  const host = stripBrackets(via.received ?? via.host);
  const port = via.rport ?? via.port ?? defaultPort(transport);
  return { transport, host, port };
}

/** Maps a Via transport token (UDP, TCP, TLS, WS, WSS) to our kind. */
export function viaTransportKind(token: string): TransportKind | undefined {
  switch (token.toUpperCase()) {
    case 'UDP':
      return 'udp';
    case 'TCP':
      return 'tcp';
    case 'TLS':
      return 'tls';
    case 'WS':
      return 'ws';
    case 'WSS':
      return 'wss';
    default:
      return undefined;
  }
}

/**
 * Transport to reach a URI (RFC 3261 §19.1.2, §26.2.2; RFC 7118 §5.2): an explicit `;transport=`
 * wins (`sips:` turns tcp into tls and ws into wss); else tls for `sips:`, udp for `sip:`.
 * Undefined for an unknown transport token.
 */
export function uriTransport(uri: SipUri): TransportKind | undefined {
  const sips = uri.scheme === 'sips';
  const param = uri.params.get('transport');
  if (typeof param !== 'string') return sips ? 'tls' : 'udp';
  const kind = viaTransportKind(param);
  if (kind === undefined || !sips) return kind;
  if (kind === 'tcp' || kind === 'tls') return 'tls';
  if (kind === 'ws' || kind === 'wss') return 'wss';
  return undefined; // sips over udp is not allowed (§26.2.2)
}

/** Default port per transport (RFC 3261 §19.1.2, RFC 7118 §5.1 for WS). */
export function defaultPort(kind: TransportKind): number {
  switch (kind) {
    case 'udp':
    case 'tcp':
      return 5060;
    case 'tls':
      return 5061;
    case 'ws':
      return 80;
    case 'wss':
      return 443;
  }
}

export function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Formats a host for Via/URI use (IPv6 in brackets). */
export function hostForUri(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
