// RFC 3261 §18 (transport layer). Types shared by every transport kind (UDP, TCP, TLS, WS, WSS).
import type { SipRequest, SipResponse } from '#sip-server/message/index.js';
import type { ConnectionInfo } from './connection.js';

/** Transport protocols; `reliable` ones (all but udp) zero Timers E/G/I/J/K retransmission waits (RFC 3261 Appendix A). */
export type TransportKind = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

/** Where a received message came from and which local socket got it. */
export type MessageSource = {
  protocol: TransportKind;
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
  /** Set for connection-oriented transports: the connection to answer on (RFC 3261 §18.2.2). */
  connectionId: string | undefined;
};

/** Where to send: an address (a connection is reused or opened for reliable kinds) or an existing connection. */
export type Destination =
  | { transport: TransportKind; host: string; port: number }
  | { connectionId: string };

/** One bound listener, as reported by `TransportLayer.listening()`. */
export type ListeningPoint = {
  protocol: TransportKind;
  localAddress: string;
  localPort: number;
  /** Public address to advertise in Via/Contact (drachtio's `--external-ip`), when configured. */
  externalAddress: string | undefined;
};

/** Events the transport layer delivers upward (implemented by the transaction layer). */
export interface TransportUser {
  /** A request that parsed, with its top Via already stamped with received/rport (RFC 3261 §18.2.1, RFC 3581 §4). */
  onRequest(request: SipRequest, source: MessageSource): void;
  /** A response whose top Via sent-by is ours (RFC 3261 §18.1.2). */
  onResponse(response: SipResponse, source: MessageSource): void;
  /** A connection closed (by the peer, an error or idle timeout). */
  onConnectionClosed?(connectionId: string, error: Error | undefined): void;
}

/** One transport kind bound to one local address. Implementations: UdpTransport, StreamTransport (TCP, TLS), WsTransport (WS, WSS). */
export interface Transport {
  readonly kind: TransportKind;
  readonly reliable: boolean;
  readonly listeningPoint: ListeningPoint;
  /** Sends raw bytes to host:port (reliable kinds reuse or open a connection). */
  sendTo(data: Buffer, host: string, port: number): Promise<void>;
  /** Sends on an existing connection; false when this transport does not own it. */
  owns(connectionId: string): boolean;
  sendOnConnection(connectionId: string, data: Buffer): Promise<void>;
  /** Open connections (empty for UDP). */
  connections(): ConnectionInfo[];
  close(): Promise<void>;
}

/** Counters kept by the transport layer (the service exports them as metrics). */
export type TransportStats = {
  messagesReceived: number;
  /** Datagrams/frames that were not SIP at all (dropped silently). */
  garbageDropped: number;
  /** Malformed requests answered with 400/505/513. */
  badRequestsAnswered: number;
  /** Malformed messages dropped because no response could be built (responses, ACKs, missing headers). */
  badMessagesDropped: number;
  /** Responses dropped because the top Via sent-by is not ours (RFC 3261 §18.1.2). */
  responsesMisrouted: number;
  keepalivesAnswered: number;
  /** Connections closed by the idle timeout. */
  idleConnectionsClosed: number;
  /** WebSocket upgrades refused because the `sip` subprotocol was not offered (RFC 7118 §4.1). */
  wsUpgradesRefused: number;
};
