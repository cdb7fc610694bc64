// Public API of the SIP transport layer. Other folders import only from here.
export { SIP_TRANSPORT_ERROR_CODES } from './error-codes.js';
export type { SipTransportErrorCode } from './error-codes.js';
export { SipTransportError } from './transport-error.js';
export type {
  TransportKind,
  MessageSource,
  Destination,
  ListeningPoint,
  TransportUser,
  Transport,
  TransportStats,
  SourcePolicy,
  RequestAdmission,
  ConnectionAdmission,
} from './types.js';
export type { ConnectionInfo } from './connection.js';
export { parseContact, parseContacts } from './contacts.js';
export type { ContactSpec } from './contacts.js';
export { TransportLayer, DEFAULT_UDP_BUFFER_BYTES, DEFAULT_IDLE_TIMEOUT_MS } from './transport-layer.js';
export type { TransportLayerOptions } from './transport-layer.js';
export type { TlsOptions } from './tls-options.js';
export { generateSelfSignedCert } from './self-signed.js';
export type { SelfSignedOptions, SelfSignedCert } from './self-signed.js';
export { stampReceived, sentByIsOurs, responseDestination, viaTransportKind, defaultPort, hostForUri, uriTransport } from './via-rules.js';
