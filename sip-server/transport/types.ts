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
  /** Closes one of its connections at once (no-op when it has no such connection). */
  closeConnection(connectionId: string): void;
  /** Open connections (empty for UDP). */
  connections(): ConnectionInfo[];
  close(): Promise<void>;
}

/** What `SourcePolicy.admitRequest` decided for one request (or unparseable message) from a source. */
export type RequestAdmission =
  /** Go on: parse result goes up (or gets its 400). */
  | 'accept'
  /** Over the source's rate: dropped silently (the source is now banned). */
  | 'drop'
  /** The server is full (transaction cap): answer 503 with Retry-After (RFC 3261 §21.5.4). */
  | 'overload';

/** What `SourcePolicy.admitConnection` decided for a new inbound connection. */
export type ConnectionAdmission = 'accept' | 'banned' | 'per-source' | 'total';

/**
 * Limits on what outsiders may send (rate limit, ban list, connection caps; `sip-server/guard`
 * implements it). Addresses are the socket's remote address.
 */
export interface SourcePolicy {
  /** False while the source is banned: everything it sends is dropped before parsing. */
  acceptsFrom(address: string): boolean;
  /**
   * Counts one request (or unparseable message) from the source. `request` is the parsed request,
   * undefined for unparseable input (so the policy may leave out requests of work it already holds).
   */
  admitRequest(address: string, request: SipRequest | undefined): RequestAdmission;
  /** Takes a slot for a new inbound connection; anything but 'accept' closes it at once. */
  admitConnection(address: string): ConnectionAdmission;
  /** Releases the slot of an accepted inbound connection. */
  connectionClosed(address: string): void;
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
  /** Datagrams/frames dropped unparsed because their source is banned. */
  bannedDropped: number;
  /** Requests dropped because they put their source over its rate (the source was banned). */
  rateLimited: number;
  /** Requests answered 503 because the server was full (SourcePolicy said 'overload'). */
  overloadRejected: number;
  /** Inbound connections closed at accept: source banned, per-source cap or total cap. */
  connectionsRefused: number;
};
