// The UA core's upward interface to the stateful proxy (sip-server/proxy, a layer above the core):
// the drachtio `proxy` verb (/work/shared/drachtio-protocol.md §6) and requests routed through us
// by an earlier Record-Route (RFC 3261 §16.4, §16.12). The core asks the proxy first; `true` means
// the proxy took the message and the core does nothing more with it.
import type { SipRequest } from '#sip-server/message/index.js';
import type { AppConnection, AppMessage } from '#sip-server/wire/index.js';
import type { ReceivedFrom, ServerTxn } from './stack-port.js';

/** An app's `proxy` command for a request it received, handed over once the core released it. */
export type ProxyStart = {
  conn: AppConnection;
  command: Extract<AppMessage, { kind: 'proxy' }>;
  /** The server transaction of the request to proxy; the app can no longer answer it. */
  txn: ServerTxn;
};

/** Implemented by sip-server/proxy; attached to the core by the composition root. */
export interface ProxyUser {
  start(p: ProxyStart): void;
  /** A new network request (not ACK, not CANCEL): true when it follows our Record-Route (§16.12). */
  onRequest(txn: ServerTxn): boolean;
  /** An ACK matching no server transaction: true when it follows our Record-Route (§16.12). */
  onAck(ack: SipRequest, from: ReceivedFrom): boolean;
  /** A CANCEL for an INVITE server transaction: true when that INVITE is being proxied (§16.10). */
  onCancel(invite: ServerTxn, cancel: SipRequest, from: ReceivedFrom): boolean;
}
