// The server's own SIP addresses: hostports for `authenticate` (protocol §3.2), Contact values (§5.3),
// `localhost` substitution (§5.2) and the loop guard (§5.5 item 2). The next hop is in next-hop.ts.
import type { SipUri } from '#sip-server/message/index.js';
import { defaultPort, uriTransport } from '#sip-server/transport/index.js';
import type { ListeningTransport, SipProtocol } from './stack-port.js';

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

/**
 * §5.3: `<sip:HOST:PORT[;transport=tcp]>` (transport param omitted for UDP); `user` when given.
 * `sips` (RFC 3261 §8.1.1.8: a sips Request-URI needs a sips Contact) gives `<sips:HOST:PORT>` over TLS.
 */
export function contactFor(t: ListeningTransport, user?: string, scheme: 'sip' | 'sips' = 'sip'): string {
  const a = advertised(t);
  const u = user ? `${user}@` : '';
  const secureTls = scheme === 'sips' && t.protocol === 'tls';
  return `<${scheme}:${u}${a.host}:${a.port}${t.protocol === 'udp' || secureTls ? '' : `;transport=${t.protocol}`}>`;
}

/** §5.2: replaces the host of `@localhost` in a From/To/Contact/P-Asserted-Identity value. */
export function substituteLocalhost(value: string, t: ListeningTransport): string {
  if (!value.includes('@localhost')) return value;
  const a = advertised(t);
  return value.replace(/@localhost(:\d+)?/g, `@${a.host}:${a.port}`);
}

/** §5.5 item 2: true when `uri` points at one of our own SIP addresses. */
export function isOwnAddress(uri: SipUri, transports: readonly ListeningTransport[]): boolean {
  const port = uri.port ?? defaultPort(uriTransport(uri) ?? 'udp');
  return transports.some((t) => t.localPort === port && (uri.host === t.localAddress || uri.host === t.externalAddress));
}

/** The listening transport for a protocol (first match). */
export function transportFor(protocol: SipProtocol, transports: readonly ListeningTransport[]): ListeningTransport | undefined {
  return transports.find((t) => t.protocol === protocol);
}
