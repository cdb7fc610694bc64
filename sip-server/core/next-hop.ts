// Next hop and transport for a request the server sends for an app (/work/shared/drachtio-protocol.md
// §5.5; RFC 3261 §8.1.2, §18.1.1, §19.1.2, §26.2.2; RFC 7118 §5).
import { parseUri, type SipUri } from '#sip-server/message/index.js';
import { defaultPort, uriTransport } from '#sip-server/transport/index.js';
import type { Endpoint, ListeningTransport, SipProtocol } from './stack-port.js';

export type NextHop =
  | {
      ok: true;
      endpoint: Endpoint;
      transport: ListeningTransport;
      /** True when the URI itself named the transport (`sips:` or `;transport=`), false for the UDP default. */
      explicitTransport: boolean;
    }
  | { ok: false; reason: string };

const UNAVAILABLE = 'requested protocol/transport not available';

/**
 * Whether a flow of kind `flow` can carry a request for a URI asking for `wanted`. WebSocket clients
 * write `;transport=ws` in their Contact over WSS too (RFC 7118 §8 examples; SIP.js, JsSIP), so ws
 * and wss are one family; tcp flows carry tcp, tls flows tls. UDP has no flows.
 */
function sameFlowFamily(wanted: SipProtocol, flow: SipProtocol): boolean {
  if (wanted === 'ws' || wanted === 'wss') return flow === 'ws' || flow === 'wss';
  return wanted === flow && wanted !== 'udp';
}

/**
 * Chooses where a request goes (§5.5: routeUri, else the outbound proxy, else the R-URI is `target`).
 * - RFC 3261 §26.2.2: a `sips:` URI is reached over TLS only (`;transport=ws|wss` → wss; udp refused).
 * - RFC 3261 §19.1.2 / RFC 7118 §5.1: `;transport=` picks the kind; without it UDP (TCP when no UDP
 *   listener); the port defaults per kind (5060, 5061, 80, 443).
 * - RFC 3261 §8.1.2: `maddr` overrides the host.
 * - RFC 7118 §5 (and RFC 5626 flows): a WebSocket client's Contact host is `*.invalid`; it is reached
 *   over the connection it registered or called on, given as `flow` (the dialog's peer), else the
 *   transport layer reaches it by the `received`/`rport` the app used as route.
 * Hosts must be IP literals or `localhost` (no RFC 3263 DNS yet).
 */
export function chooseNextHop(target: string, transports: readonly ListeningTransport[], flow?: Endpoint): NextHop {
  const text = /^sips?:|^tel:/i.test(target) ? target : `sip:${target}`;
  const r = parseUri(text);
  if (!r.ok) return { ok: false, reason: `invalid request-uri: ${target}` };
  const uri = r.uri;
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return { ok: false, reason: `unsupported uri scheme: ${uri.scheme}` };
  const chosen = chooseKind(uri, transports);
  if (!chosen.ok) return chosen;
  const { kind, explicitTransport } = chosen;
  const maddr = uri.params.get('maddr');
  const host = typeof maddr === 'string' && maddr.length > 0 ? maddr : uri.host;
  if (host.toLowerCase().endsWith('.invalid')) {
    // RFC 7118 §5: no address to dial; only the client's existing flow reaches it.
    const viaFlow = flow !== undefined && sameFlowFamily(kind, flow.protocol) ? transports.find((t) => t.protocol === flow.protocol) : undefined;
    if (flow !== undefined && viaFlow !== undefined) return { ok: true, endpoint: flow, transport: viaFlow, explicitTransport };
    return { ok: false, reason: `no open ${kind} connection to ${host}` };
  }
  const transport = transports.find((t) => t.protocol === kind);
  if (!transport) return { ok: false, reason: UNAVAILABLE };
  const address = host === 'localhost' ? '127.0.0.1' : host.replace(/^\[|\]$/g, '');
  if (!/^[\d.]+$|:/.test(address)) return { ok: false, reason: `cannot resolve ${host}: DNS lookups are not implemented` };
  return { ok: true, endpoint: { protocol: kind, address, port: uri.port ?? defaultPort(kind) }, transport, explicitTransport };
}

type KindChoice = { ok: true; kind: SipProtocol; explicitTransport: boolean } | { ok: false; reason: string };

function chooseKind(uri: SipUri, transports: readonly ListeningTransport[]): KindChoice {
  const explicitTransport = uri.scheme === 'sips' || typeof uri.params.get('transport') === 'string';
  const kind = uriTransport(uri);
  if (kind === undefined) {
    const given = uri.params.get('transport');
    return { ok: false, reason: uri.scheme === 'sips' ? `sips: cannot be sent over ${String(given)} (RFC 3261 §26.2.2)` : `unknown transport: ${String(given)}` };
  }
  if (explicitTransport) return { ok: true, kind, explicitTransport };
  // RFC 3263 §4.1 without DNS: a plain sip: URI goes over UDP; a server without UDP uses TCP.
  const fallback = transports.some((t) => t.protocol === 'udp') ? 'udp' : 'tcp';
  return { ok: true, kind: fallback, explicitTransport };
}
