// The server's own SIP addresses: hostports for `authenticate` (protocol §3.2), Contact values (§5.3),
// `localhost` substitution (§5.2), the loop guard and the next-hop/transport choice (§5.5).
import { parseUri, type SipUri } from '#sip-server/message/index.js';
import type { Endpoint, ListeningTransport, SipProtocol } from './stack-port.js';

/** `udp/host:port,tcp/host:port` with external (advertised) or local addresses. */
export function formatHostports(transports: readonly ListeningTransport[], which: 'external' | 'local'): string {
  return transports
    .map((t) => `${t.protocol}/${which === 'external' ? (t.externalAddress ?? t.localAddress) : t.localAddress}:${t.localPort}`)
    .join(',');
}

/** host:port we advertise for a transport. */
export function advertised(t: ListeningTransport): { host: string; port: number } {
  return { host: t.externalAddress ?? t.localAddress, port: t.localPort };
}

/** §5.3: `<sip:HOST:PORT[;transport=tcp]>` (transport param omitted for UDP); `user` when given. */
export function contactFor(t: ListeningTransport, user?: string): string {
  const a = advertised(t);
  const u = user ? `${user}@` : '';
  return `<sip:${u}${a.host}:${a.port}${t.protocol === 'udp' ? '' : `;transport=${t.protocol}`}>`;
}

/** §5.2: replaces the host of `@localhost` in a From/To/Contact/P-Asserted-Identity value. */
export function substituteLocalhost(value: string, t: ListeningTransport): string {
  if (!value.includes('@localhost')) return value;
  const a = advertised(t);
  return value.replace(/@localhost(:\d+)?/g, `@${a.host}:${a.port}`);
}

/** §5.5 item 2: true when `uri` points at one of our own SIP addresses. */
export function isOwnAddress(uri: SipUri, transports: readonly ListeningTransport[]): boolean {
  const port = uri.port ?? 5060;
  return transports.some((t) => t.localPort === port && (uri.host === t.localAddress || uri.host === t.externalAddress));
}

export type NextHop = { ok: true; endpoint: Endpoint; transport: ListeningTransport } | { ok: false; reason: string };

/**
 * §5.5: next hop = routeUri, else outbound proxy, else the R-URI; an explicit `;transport=` wins,
 * else the first configured transport. Hosts must be IP literals or `localhost` (no RFC 3263 DNS yet).
 */
export function chooseNextHop(target: string, transports: readonly ListeningTransport[]): NextHop {
  const text = /^sips?:|^tel:/i.test(target) ? target : `sip:${target}`;
  const r = parseUri(text);
  if (!r.ok) return { ok: false, reason: `invalid request-uri: ${target}` };
  const uri = r.uri;
  const wanted = uri.params.get('transport');
  let transport: ListeningTransport | undefined;
  if (typeof wanted === 'string') {
    transport = transports.find((t) => t.protocol === wanted.toLowerCase());
    if (!transport) return { ok: false, reason: 'requested protocol/transport not available' };
  } else {
    // Avoid 127.0.0.1 unless the target is loopback too (§5.5 item 3, simplified).
    transport = transports.find((t) => t.protocol === 'udp') ?? transports[0];
  }
  if (!transport) return { ok: false, reason: 'requested protocol/transport not available' };
  const address = uri.host === 'localhost' ? '127.0.0.1' : uri.host.replace(/^\[|\]$/g, '');
  if (!/^[\d.]+$|:/.test(address)) return { ok: false, reason: `cannot resolve ${uri.host}: DNS lookups are not implemented` };
  return { ok: true, endpoint: { protocol: transport.protocol, address, port: uri.port ?? 5060 }, transport };
}

/** The listening transport for a protocol (first match). */
export function transportFor(protocol: SipProtocol, transports: readonly ListeningTransport[]): ListeningTransport | undefined {
  return transports.find((t) => t.protocol === protocol);
}
