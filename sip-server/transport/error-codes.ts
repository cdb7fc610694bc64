/** Error codes of the SIP transport layer (listed in docs/sip-server.md, ## transport). */
export const SIP_TRANSPORT_ERROR_CODES = {
  /** A contact string is not `sip:host[:port][;transport=udp,tcp,...]`. */
  SIP_TRANSPORT_BAD_CONTACT: 'SIP_TRANSPORT_BAD_CONTACT',
  /** Binding a listener failed (address in use, not local, ...). */
  SIP_TRANSPORT_LISTEN_FAILED: 'SIP_TRANSPORT_LISTEN_FAILED',
  /** No listening transport of the requested kind (and address family). */
  SIP_TRANSPORT_NO_TRANSPORT: 'SIP_TRANSPORT_NO_TRANSPORT',
  /** The connection id given as destination is unknown or closed. */
  SIP_TRANSPORT_NO_CONNECTION: 'SIP_TRANSPORT_NO_CONNECTION',
  /** Sending failed (socket error, connect refused, DNS failure). RFC 3261 §17.1.4 transport error. */
  SIP_TRANSPORT_SEND_FAILED: 'SIP_TRANSPORT_SEND_FAILED',
  /** The layer is closed. */
  SIP_TRANSPORT_CLOSED: 'SIP_TRANSPORT_CLOSED',
} as const;

export type SipTransportErrorCode = (typeof SIP_TRANSPORT_ERROR_CODES)[keyof typeof SIP_TRANSPORT_ERROR_CODES];
