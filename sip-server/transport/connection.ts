// One connection of a connection-oriented transport (TCP, TLS, WS, WSS), as the layer sees it.
import type { Clock } from '#lib/clock/index.js';
import type { Logger } from '#lib/log/index.js';
import type { InboundAdmission } from './inbound-admission.js';
import type { TransportKind } from './types.js';

/** A framed SIP connection: StreamConnection (TCP/TLS) or WsConnection (WS/WSS). */
export interface Connection {
  readonly id: string;
  readonly kind: TransportKind;
  /** How each frame is parsed: 'stream' (Content-Length framing, RFC 3261 §18.3) or 'datagram' (one message per WebSocket message, RFC 7118 §5). */
  readonly framing: 'stream' | 'datagram';
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly closed: boolean;
  /** Writes one SIP message (or raw bytes); rejects with SIP_TRANSPORT_NO_CONNECTION / SEND_FAILED. */
  write(data: Buffer): Promise<void>;
  /** Closes at once (no linger). */
  close(): void;
}

/**
 * Bytes we may hold for a connection whose peer does not read (written by us, not yet taken by the
 * kernel). Past this the peer is not reading its responses: the connection is closed instead of
 * letting the buffer grow without bound.
 */
export const MAX_UNSENT_BYTES = 1024 * 1024;

/** Callbacks a connection reports to its transport (and the transport to the layer). */
export type ConnectionSink = {
  onFrame(data: Buffer, connection: Connection): void;
  /** A CRLFCRLF ping was answered with a CRLF pong (RFC 5626 §3.5.1). */
  onKeepalive(connection: Connection): void;
  /** The connection saw no traffic for the idle time and is being closed. */
  onIdle(connection: Connection): void;
  /** The stream lost its framing and is being closed; counts against the source's rate like a bad message. */
  onFramingError(connection: Connection): void;
  onClose(connection: Connection, error: Error | undefined): void;
};

/** Settings every connection gets. */
export type ConnectionSettings = {
  maxMessageBytes: number;
  /** Close after this long without traffic in either direction; 0 disables. */
  idleTimeoutMs: number;
  clock: Clock;
  log: Logger;
  /** Connection caps and ban checks for inbound connections. */
  admission: InboundAdmission;
};

/** Public view of an open connection (`TransportLayer.connections()`). */
export type ConnectionInfo = {
  connectionId: string;
  protocol: TransportKind;
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
};

export function connectionInfo(c: Connection): ConnectionInfo {
  return { connectionId: c.id, protocol: c.kind, remoteAddress: c.remoteAddress, remotePort: c.remotePort, localAddress: c.localAddress, localPort: c.localPort };
}
