// Public API of the SIP transaction layer (RFC 3261 §17). Other folders import only from here.
export { SIP_TRANSACTION_ERROR_CODES } from './error-codes.js';
export type { SipTransactionErrorCode } from './error-codes.js';
export { TransactionError } from './transaction-error.js';
export { DEFAULT_TIMER_CONFIG, timerDurations } from './timers.js';
export type { TimerConfig, TimerName } from './timers.js';
export { InviteClientTransaction, buildAckForNon2xx } from './invite-client.js';
export type { IctState } from './invite-client.js';
export { NonInviteClientTransaction } from './non-invite-client.js';
export type { NictState } from './non-invite-client.js';
export { InviteServerTransaction } from './invite-server.js';
export type { IstState } from './invite-server.js';
export { NonInviteServerTransaction } from './non-invite-server.js';
export type { NistState } from './non-invite-server.js';
export { buildCancel } from './cancel.js';
export { serverTransactionKey, clientTransactionKey, responseKey, mergeKey } from './matching.js';
export { TransactionLayer } from './transaction-layer.js';
export type {
  ServerTransaction,
  ClientTransaction,
  TransactionTransport,
  TransactionUser,
  ClientTransactionUser,
  ClientDestination,
  TransactionLayerOptions,
} from './transaction-layer.js';
export type { TransactionSend, MachineDeps, ClientMachineEvents, ServerMachineEvents } from './types.js';
