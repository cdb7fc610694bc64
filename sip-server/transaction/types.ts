// Interfaces between the transaction machines, the TransactionLayer and the TU above (RFC 3261 §17).
import type { Clock } from '#lib/clock/index.js';
import type { Logger } from '#lib/log/index.js';
import type { SipMessage, SipRequest, SipResponse } from '#sip-server/message/index.js';
import type { MessageSource } from '#sip-server/transport/index.js';
import type { TimerConfig } from './timers.js';

/** How a machine hands a message to the transport. Failures come back through `onTransportError`. */
export type TransactionSend = (message: SipMessage) => void;

/** Collaborators every machine receives. */
export type MachineDeps = {
  request: SipRequest;
  /** Transaction id: branch + method (+ sent-by for server transactions). */
  id: string;
  branch: string;
  reliable: boolean;
  timers: TimerConfig;
  clock: Clock;
  log: Logger;
  send: TransactionSend;
};

/** Events a client machine reports to its owner. */
export type ClientMachineEvents = {
  onResponse(response: SipResponse, source: MessageSource | undefined): void;
  onTimeout(timer: 'B' | 'F'): void;
  onTransportError(error: Error): void;
  onTerminated(): void;
};

/** Events a server machine reports to its owner. */
export type ServerMachineEvents = {
  /** RFC 6026 §7.1: an ACK absorbed by an INVITE server transaction in Accepted goes to the TU. */
  onAck?(ack: SipRequest): void;
  onTimeout?(timer: 'H'): void;
  onTransportError(error: Error): void;
  onTerminated(): void;
};
