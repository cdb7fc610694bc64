// What the UA core needs from the layers below (transport/ and transaction/), as one narrow port.
// core/stack-adapter.ts implements it over the stack engineer's TransactionLayer; unit tests
// implement it in memory. Upward calls come in through StackUser (RFC 3261 §17 "TU").
import type { SipMessage, SipRequest, SipResponse } from '#sip-server/message/index.js';

export type SipProtocol = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

/** A network destination for a request (after next-hop choice, protocol §5.5). */
export type Endpoint = { protocol: SipProtocol; address: string; port: number; connectionId?: string | undefined };

/** Where a message came from and which local transport received it. */
export type ReceivedFrom = {
  protocol: SipProtocol;
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
  /** The connection it arrived on (stream transports), reused for replies and in-dialog requests. */
  connectionId?: string | undefined;
};

/** One listening SIP transport. */
export type ListeningTransport = { protocol: SipProtocol; localAddress: string; localPort: number; externalAddress: string | undefined };

/** A server transaction as the core sees it (RFC 3261 §17.2). */
export interface ServerTxn {
  readonly request: SipRequest;
  readonly source: ReceivedFrom;
  /**
   * Sends a response through the transaction (it retransmits non-2xx finals itself). A 2xx to INVITE
   * may be passed again to retransmit it while the transaction is Accepted (RFC 6026 §7.1).
   */
  respond(response: SipResponse): void;
}

/** Callbacks of one client transaction (RFC 3261 §17.1). */
export interface ClientTxnUser {
  onResponse(response: SipResponse, from: ReceivedFrom): void;
  /** Timer B / F fired, or the transport failed: the core reports 408 / 503 to the app. */
  onFailure(kind: 'timeout' | 'transport'): void;
}

/** A client transaction as the core sees it. */
export interface ClientTxn {
  readonly request: SipRequest;
  /** Sends `cancel` (built by the core, §9.1) with this INVITE's top Via, as its own transaction. */
  cancel(cancel: SipRequest, user: ClientTxnUser): void;
}

/** What the core calls downward. */
export interface SipStackPort {
  transports(): readonly ListeningTransport[];
  /**
   * Starts a client transaction. The layer adds the top Via (fresh branch, `;rport`) to `request`
   * before sending, so after the call `request` is exactly what went on the wire.
   */
  sendRequest(request: SipRequest, destination: Endpoint, user: ClientTxnUser): ClientTxn;
  /**
   * Sends outside any transaction: ACK for 2xx (§13.2.2.4), 2xx retransmissions (§13.3.1.4). A request
   * gets our Via when it has none, or always with `addVia: true` (a proxy forwarding an ACK, §16.6 step 8).
   */
  sendStateless(message: SipMessage, destination: Endpoint, options?: { addVia?: boolean }): void;
}

/** What the layers below call upward (implemented by the UA core). */
export interface StackUser {
  /** A new request (not a retransmission, not an ACK, not a CANCEL). */
  onRequest(txn: ServerTxn): void;
  /** An ACK that matched no INVITE server transaction: the ACK for a 2xx (§17.2.3 does not absorb it). */
  onAck(ack: SipRequest, from: ReceivedFrom): void;
  /** A CANCEL that matched a pending INVITE server transaction (§9.2); the core answers both. */
  onCancel(invite: ServerTxn, cancel: SipRequest, from: ReceivedFrom): void;
  /** A response to a 2xx-retransmission (an ACK-less 2xx arriving again, §13.2.2.4) outside any client transaction. */
  onStrayResponse(response: SipResponse, from: ReceivedFrom): void;
}
