// The UA core: between the drachtio wire protocol (apps) and the RFC 3261 transaction layer (network).
// It implements both upward interfaces: StackUser (from transactions) and WireUser (from app connections).
import type { Clock } from '#lib/clock/index.js';
import type { IdSource } from '#lib/ids/index.js';
import type { Logger } from '#lib/log/index.js';
import { DialogTable, type Dialog } from '#sip-server/dialog/index.js';
import { serializeMessage, type SipRequest, type SipResponse } from '#sip-server/message/index.js';
import type { AppConnection, AppMessage, RouteTable, WireUser } from '#sip-server/wire/index.js';
import { parseAppSip } from './app-sip.js';
import { emitCdr, type CdrEvent } from './cdr.js';
import { applicationMeta, type CoreContext, type CoreTimers } from './core-context.js';
import { abandonConnection, handleAppResponse, handleNetworkAck, handleNetworkCancel, handleNetworkRequest, releaseForProxy } from './inbound.js';
import { clearOrphans, orphanDialogs } from './orphan-dialogs.js';
import { endDialog, handleAppRequest, onStray2xx } from './outbound.js';
import type { ProxyUser } from './proxy-port.js';
import { sendServerBye } from './server-bye.js';
import type { ReceivedFrom, ServerTxn, SipStackPort, StackUser } from './stack-port.js';

export type UaCoreOptions = {
  stack: SipStackPort;
  routes: RouteTable<AppConnection>;
  clock: Clock;
  ids: IdSource;
  log: Logger;
  timers: CoreTimers;
  cdrs: boolean;
  outboundProxy: string | undefined;
  /** Grace period before the dialogs of a dropped app connection are ended (protocol §5.10); 0 keeps them. Default 60 s. */
  orphanGraceMs?: number;
};

/** Default grace period of an orphaned dialog (`SIPSRV_ORPHAN_DIALOG_GRACE_SEC`). */
export const DEFAULT_ORPHAN_GRACE_MS = 60_000;

/** RFC 3326 Reason of the BYE that ends an orphaned dialog. */
const ORPHAN_BYE_REASON = 'SIP ;cause=480 ;text="Application disconnected"';

/** The drachtio-server behaviour over our SIP stack. */
export class UaCore implements StackUser, WireUser {
  readonly #ctx: CoreContext;
  readonly #connections = new Map<string, AppConnection>();
  readonly #lookup = (id: string): AppConnection | undefined => this.#connections.get(id);
  #proxy: ProxyUser | undefined;

  constructor(o: UaCoreOptions) {
    this.#ctx = {
      stack: o.stack,
      routes: o.routes,
      dialogs: new DialogTable(),
      clock: o.clock,
      ids: o.ids,
      log: o.log,
      timers: o.timers,
      cdrs: o.cdrs,
      outboundProxy: o.outboundProxy,
      inbound: new Map(),
      inboundByTxn: new Map(),
      outbound: new Map(),
      pendingSubscribes: new Map(),
      pendingAcks: new Map(),
      sentAcks: new Map(),
      inviteSeq: new Map(),
      onAckTimeout: (dialog) => this.#onAckTimeout(dialog),
      orphanGraceMs: o.orphanGraceMs ?? DEFAULT_ORPHAN_GRACE_MS,
      orphans: new Map(),
      onOrphanGraceEnd: (dialog) => this.#onOrphanGraceEnd(dialog),
    };
  }

  /** Connects the stateful proxy (sip-server/proxy) that serves the `proxy` verb (protocol §6). */
  attachProxy(proxy: ProxyUser): void {
    this.#proxy = proxy;
  }

  /** Sends a CDR event to a subscribed app when CDRs are on (protocol §7); the proxy reports through it. */
  emitCdr(e: CdrEvent): void {
    emitCdr(this.#ctx, e);
  }

  /** Live dialogs (for metrics and tests). */
  get dialogCount(): number {
    return this.#ctx.dialogs.size;
  }

  /** RFC 3261 §12.2.2: a request from the network with these ids is inside a live dialog (the rate limit leaves it out). */
  hasDialog(callId: string, toTag: string, fromTag: string): boolean {
    return this.#ctx.dialogs.match(callId, toTag, fromTag) !== undefined;
  }

  /** Requests waiting for an app's final response, and app requests waiting for the network's. */
  get pendingCounts(): { inbound: number; outbound: number; acks: number } {
    return { inbound: this.#ctx.inbound.size, outbound: this.#ctx.outbound.size, acks: this.#ctx.pendingAcks.size };
  }

  // ---- StackUser (from the transaction layer) ----

  onRequest(txn: ServerTxn): void {
    this.#guard('network request', () => {
      if (this.#proxy?.onRequest(txn) !== true) handleNetworkRequest(this.#ctx, txn, this.#lookup);
    });
  }

  onAck(ack: SipRequest, from: ReceivedFrom): void {
    this.#guard('network ACK', () => {
      if (this.#proxy?.onAck(ack, from) !== true) handleNetworkAck(this.#ctx, ack, from, this.#lookup);
    });
  }

  onCancel(invite: ServerTxn, cancel: SipRequest, from: ReceivedFrom): void {
    this.#guard('network CANCEL', () => {
      if (this.#proxy?.onCancel(invite, cancel, from) !== true) handleNetworkCancel(this.#ctx, invite, cancel, from);
    });
  }

  onStrayResponse(response: SipResponse): void {
    this.#guard('stray response', () => onStray2xx(this.#ctx, response));
  }

  // ---- WireUser (from app connections) ----

  onAppSip(conn: AppConnection, m: Extract<AppMessage, { kind: 'sip' }>): void {
    this.#connections.set(conn.id, conn);
    const parsed = parseAppSip(m.sip);
    if (!parsed.ok) {
      conn.send({ kind: 'response-fail', inReplyTo: m.msgId, status: 'NOK', reason: parsed.reason });
      return;
    }
    const msg = parsed.message;
    this.#guard('app sip', () => {
      if (msg.kind === 'response') {
        if (m.transactionId === undefined) {
          // §3.6 rule 1: the C++ server drops the connection here.
          conn.send({ kind: 'response-fail', inReplyTo: m.msgId, status: 'NO', reason: 'transaction id missing' });
          conn.close();
          return;
        }
        handleAppResponse(this.#ctx, conn, m, msg);
      } else handleAppRequest(this.#ctx, conn, m, msg);
    });
  }

  onAppProxy(conn: AppConnection, m: Extract<AppMessage, { kind: 'proxy' }>): void {
    this.#connections.set(conn.id, conn);
    this.#guard('app proxy', () => {
      // §6.2: only a pending request of this app can be proxied; §6.3 failure reply otherwise.
      const txn = this.#proxy === undefined ? undefined : releaseForProxy(this.#ctx, conn, m.transactionId);
      if (!this.#proxy || !txn) {
        conn.send({ kind: 'response-fail', inReplyTo: m.msgId, status: 'NOK', reason: `Unknown transaction id: ${m.transactionId}` });
        return;
      }
      this.#proxy.start({ conn, command: m, txn });
    });
  }

  onConnectionClosed(conn: AppConnection): void {
    this.#connections.delete(conn.id);
    this.#guard('connection closed', () => {
      abandonConnection(this.#ctx, conn);
      orphanDialogs(this.#ctx, conn);
    });
  }

  /** Dialogs of dropped app connections waiting for their grace period to end (metrics, tests). */
  get orphanedDialogCount(): number {
    return this.#ctx.orphans.size;
  }

  /** Calls off the core's pending orphan teardowns (shutdown). */
  close(): void {
    clearOrphans(this.#ctx);
  }

  /** Protocol §4.4: no ACK for our 2xx in 64*T1 → BYE with Reason, and tell the owner (§3.5f). */
  #onAckTimeout(dialog: Dialog): void {
    const ctx = this.#ctx;
    const sent = sendServerBye(ctx, dialog, 'SIP ;cause=200 ;text="ACK timeout"');
    if (!sent) return;
    ctx.log.info({ dialogId: dialog.id }, 'no ACK for 2xx, dialog ended by the server');
    const owner = this.#lookup(dialog.ownerId);
    if (!owner?.open) return;
    owner.send({ kind: 'sip', meta: applicationMeta(ctx, sent.destination), transactionId: 'unsolicited', dialogId: dialog.id, receivedOn: undefined, sip: serializeMessage(sent.request) });
  }

  /**
   * Protocol §5.10 Recommendation: the grace period of an orphaned dialog ended with no app adopting
   * it. A confirmed INVITE dialog is BYEd (RFC 3261 §15.1.1); an early one (an app's INVITE still
   * ringing) or a SUBSCRIBE dialog is only forgotten. DEVIATION: no terminating NOTIFY for a
   * subscription; its far end lets it expire (RFC 6665 §4.1.2.2).
   */
  #onOrphanGraceEnd(dialog: Dialog): void {
    const ctx = this.#ctx;
    if (dialog.usage === 'invite' && dialog.state === 'confirmed') sendServerBye(ctx, dialog, ORPHAN_BYE_REASON);
    else endDialog(ctx, dialog);
    ctx.log.info({ dialogId: dialog.id }, 'orphaned dialog ended by the server after its grace period');
  }

  /** Ends one unit of work when a handler throws: logged, never fatal to the server. */
  #guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#ctx.log.error({ err, what }, 'sip-server core handler failed');
    }
  }
}
