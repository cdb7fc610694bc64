// Shared state of the UA core: collaborators and the tables that tie drachtio ids to SIP state.
import type { Clock, TimerHandle } from '#lib/clock/index.js';
import type { IdSource } from '#lib/ids/index.js';
import type { Logger } from '#lib/log/index.js';
import type { Dialog, DialogTable } from '#sip-server/dialog/index.js';
import type { SipRequest, SipResponse } from '#sip-server/message/index.js';
import type { AppConnection, RouteTable, WireMeta } from '#sip-server/wire/index.js';
import type { ClientTxn, Endpoint, ReceivedFrom, ServerTxn, SipStackPort } from './stack-port.js';

/** A request from the network handed to an app, until its final response (protocol §4.1). */
export type InboundTxn = {
  id: string;
  txn: ServerTxn;
  conn: AppConnection;
  /** Dialog the request arrived in, if any. */
  dialog: Dialog | undefined;
  /** drachtio dialog id reported for INVITE (`callId;from-tag=<caller tag>`) or the dialog's id. */
  dialogId: string;
  /** To tag chosen on the first response to an initial INVITE. */
  toTag: string | undefined;
  /** True once the app sent any response (CANCEL notices then carry the dialog id, §3.5d). */
  responded: boolean;
  finalSent: boolean;
  canceled: boolean;
  forgetTimer: TimerHandle | undefined;
};

/** A request an app sent to the network, until its final response. */
export type OutboundTxn = {
  id: string;
  conn: AppConnection;
  request: SipRequest;
  client: ClientTxn;
  destination: Endpoint;
  /** For INVITE/SUBSCRIBE: the drachtio dialog id reported with every response (§3.5e). */
  dialogId: string;
  /** The dialog an in-dialog request was sent in. */
  dialog: Dialog | undefined;
  finalReceived: boolean;
};

/** UAS side of a 2xx to INVITE waiting for its ACK (RFC 3261 §13.3.1.4). */
export type PendingAck = { dialog: Dialog; response: SipResponse; destination: Endpoint; intervalMs: number; elapsedMs: number; timer: TimerHandle | undefined };

/** UAC side: the ACK we sent for a 2xx, re-sent when the 2xx is retransmitted (§13.2.2.4). */
export type SentAck = { ack: SipRequest; destination: Endpoint; cseq: number; timer: TimerHandle | undefined };

export type CoreTimers = { t1Ms: number; t2Ms: number; t4Ms: number };

export type CoreContext = {
  stack: SipStackPort;
  routes: RouteTable<AppConnection>;
  dialogs: DialogTable;
  clock: Clock;
  ids: IdSource;
  log: Logger;
  timers: CoreTimers;
  cdrs: boolean;
  outboundProxy: string | undefined;
  inbound: Map<string, InboundTxn>;
  /** Inbound INVITE records by server transaction, for CANCEL (§9.2). */
  inboundByTxn: Map<ServerTxn, InboundTxn>;
  outbound: Map<string, OutboundTxn>;
  /** Initial SUBSCRIBEs sent by apps and not yet finally answered, by dialog id (a NOTIFY may create the dialog first, RFC 6665 §4.1.2.4). */
  pendingSubscribes: Map<string, OutboundTxn>;
  pendingAcks: Map<string, PendingAck>;
  sentAcks: Map<string, SentAck>;
  /** CSeq of the INVITE whose 2xx awaits the app's ACK, by dialog id (UAC, §13.2.2.4). */
  inviteSeq: Map<string, number>;
  /** Server teardown when a 2xx got no ACK in 64*T1 (protocol §4.4): BYE + unsolicited notice. */
  onAckTimeout: (dialog: Dialog) => void;
  /** Grace period of the dialogs of a dropped app connection (protocol §5.10); 0 keeps them. */
  orphanGraceMs: number;
  /** Teardown timers of orphaned dialogs, by dialog id (orphan-dialogs.ts). */
  orphans: Map<string, TimerHandle>;
  /** Server teardown of a dialog whose grace period ended without an app adopting it. */
  onOrphanGraceEnd: (dialog: Dialog) => void;
};

/** Meta fields for a message received from the network (§3.5). */
export function networkMeta(ctx: CoreContext, from: ReceivedFrom): WireMeta {
  return { source: 'network', protocol: from.protocol, address: from.remoteAddress, port: from.remotePort, timeMs: ctx.clock.now() };
}

/** Meta fields for a message the server sent on an app's behalf. */
export function applicationMeta(ctx: CoreContext, to: Endpoint): WireMeta {
  return { source: 'application', protocol: to.protocol, address: to.address, port: to.port, timeMs: ctx.clock.now() };
}
