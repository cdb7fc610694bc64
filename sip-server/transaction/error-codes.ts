/** Error codes of the SIP transaction layer (listed in docs/sip-server.md, ## transaction). */
export const SIP_TRANSACTION_ERROR_CODES = {
  /** A machine was asked to move between two states its table does not connect (a bug, thrown). */
  STATE_ILLEGAL_TRANSITION: 'STATE_ILLEGAL_TRANSITION',
  /** Timer B, F or H fired (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1). */
  TXN_TIMEOUT: 'TXN_TIMEOUT',
  /** The transport failed to send for a transaction (RFC 3261 §17.1.4, §17.2.4). */
  TXN_TRANSPORT_ERROR: 'TXN_TRANSPORT_ERROR',
  /** The TU asked for something the transaction's state does not allow (e.g. a response after the final one). */
  TXN_INVALID_RESPONSE: 'TXN_INVALID_RESPONSE',
  /** No listening transport can reach the destination (no Via sent-by available). */
  TXN_NO_TRANSPORT: 'TXN_NO_TRANSPORT',
} as const;

export type SipTransactionErrorCode = (typeof SIP_TRANSACTION_ERROR_CODES)[keyof typeof SIP_TRANSACTION_ERROR_CODES];
