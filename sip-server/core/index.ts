export { UaCore } from './ua-core.js';
export { StackAdapter } from './stack-adapter.js';
export type { UaCoreOptions } from './ua-core.js';
export type { CoreTimers } from './core-context.js';
export { formatHostports, isOwnAddress } from './local-transports.js';
export { chooseNextHop } from './next-hop.js';
export type { NextHop } from './next-hop.js';
export type { CdrEvent, CdrStopReason } from './cdr.js';
export type { ProxyStart, ProxyUser } from './proxy-port.js';
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
