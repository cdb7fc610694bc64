export { UaCore } from './ua-core.js';
export { StackAdapter } from './stack-adapter.js';
export type { UaCoreOptions } from './ua-core.js';
export type { CoreTimers } from './core-context.js';
export { formatHostports } from './local-transports.js';
export type {
  ClientTxn,
  ClientTxnUser,
  Endpoint,
  ListeningTransport,
  ReceivedFrom,
  ServerTxn,
  SipProtocol,
  SipStackPort,
  StackUser,
} from './stack-port.js';
