// RFC 3261 §16.12 (and §16.4, §16.6): requests inside a dialog we Record-Routed with
// `remainInDialog` (/work/shared/drachtio-protocol.md §6.2) arrive with our address as the top
// Route. They are forwarded without involving the app: our Route removed, Max-Forwards decremented,
// sent to the next Route or the Request-URI; responses go back through the server transaction.
// ACK (for a 2xx) is forwarded statelessly; BYE produces a `cdr:stop` (protocol §7).
import type { TimerHandle } from '#lib/clock/index.js';
import { chooseNextHop, type ClientTxn, type ReceivedFrom, type ServerTxn } from '#sip-server/core/index.js';
import { createResponse, formatUri, getRoutes, type SipRequest } from '#sip-server/message/index.js';
import { buildCancel } from '#sip-server/transaction/index.js';
import { copyRequest, nextMaxForwards } from './forward-request.js';
import type { ProxyDeps } from './proxy-session.js';
import { respondUpstream, withoutOurVia } from './upstream-response.js';

/** Counts of what was forwarded (tests and logs). */
export type InDialogCounts = { requests: number; acks: number };

type PendingInvite = { client: ClientTxn | undefined; timerC: TimerHandle | undefined };

type Forwarding = { ok: true; request: SipRequest; hop: ReturnType<typeof chooseNextHop> } | { ok: false; status: number };

/** Forwards in-dialog requests that follow our Record-Route. */
export class InDialogForwarder {
  readonly #d: ProxyDeps;
  /** Forwarded re-INVITEs still waiting for a final response: for an upstream CANCEL (§16.10) and Timer C. */
  readonly #pendingInvites = new Map<ServerTxn, PendingInvite>();
  readonly counts: InDialogCounts = { requests: 0, acks: 0 };

  constructor(deps: ProxyDeps) {
    this.#d = deps;
  }

  /** §16.12: a request (not ACK) with our Route on top. */
  forwardRequest(txn: ServerTxn): void {
    const d = this.#d;
    const f = this.#prepare(txn.request);
    if (!f.ok) return respondUpstream(txn, createResponse(txn.request, f.status), d.log);
    if (!f.hop.ok) {
      d.log.warn({ method: txn.request.method, reason: f.hop.reason }, 'in-dialog request cannot be routed');
      return respondUpstream(txn, createResponse(txn.request, 404), d.log);
    }
    const req = f.request;
    const pending: PendingInvite | undefined = req.method === 'INVITE' ? { client: undefined, timerC: undefined } : undefined;
    try {
      const client = d.stack.sendRequest(req, f.hop.endpoint, {
        onResponse: (res) => {
          if (pending && res.status > 100) this.#armTimerC(txn, pending, res.status >= 200);
          if (res.status > 100) respondUpstream(txn, withoutOurVia(res, txn.request), d.log);
        },
        // §16.8, §16.9: no answer acts as 408, a transport failure as 503.
        onFailure: (kind) => {
          if (pending) this.#armTimerC(txn, pending, true);
          respondUpstream(txn, createResponse(txn.request, kind === 'timeout' ? 408 : 503), d.log);
        },
      });
      if (pending) {
        pending.client = client;
        this.#pendingInvites.set(txn, pending);
        this.#armTimerC(txn, pending, false);
      }
    } catch (err) {
      d.log.warn({ err, method: req.method }, 'in-dialog request could not be forwarded');
      return respondUpstream(txn, createResponse(txn.request, 503), d.log);
    }
    this.counts.requests++;
    if (req.method === 'BYE') d.cdr({ kind: 'cdr:stop', source: 'network', reason: 'normal-release', message: txn.request });
  }

  /** §16.12 for an ACK to a 2xx: forwarded statelessly (no response ever comes back). */
  forwardAck(ack: SipRequest, _from: ReceivedFrom): void {
    const f = this.#prepare(ack);
    if (!f.ok || !f.hop.ok) {
      this.#d.log.debug({ reason: f.ok && !f.hop.ok ? f.hop.reason : 'Max-Forwards' }, 'in-dialog ACK dropped');
      return;
    }
    this.counts.acks++;
    this.#d.stack.sendStateless(f.request, f.hop.endpoint, { addVia: true }); // §16.6 step 8
  }

  /** §16.10: CANCEL of a re-INVITE we forwarded (already answered 200); true when it was ours. */
  cancel(invite: ServerTxn): boolean {
    const pending = this.#pendingInvites.get(invite);
    if (!pending) return false;
    this.#armTimerC(invite, pending, true);
    cancelClient(pending.client);
    return true;
  }

  /**
   * §16.6 step 11 / §16.7 step 2: Timer C runs from forwarding and restarts on each 1xx; when it fires
   * the re-INVITE is CANCELled and answered 408 (§16.8). `done` stops it and forgets the entry.
   */
  #armTimerC(txn: ServerTxn, pending: PendingInvite, done: boolean): void {
    this.#d.clock.clearTimer(pending.timerC);
    pending.timerC = undefined;
    if (done) {
      this.#pendingInvites.delete(txn);
      return;
    }
    pending.timerC = this.#d.clock.setTimer(this.#d.timerCMs, () => {
      this.#pendingInvites.delete(txn);
      cancelClient(pending.client);
      respondUpstream(txn, createResponse(txn.request, 408), this.#d.log);
    });
  }

  /** §16.4 route processing and §16.6 steps 3 and 7: our Route off, Max-Forwards down, next hop. */
  #prepare(received: SipRequest): Forwarding {
    const maxForwards = nextMaxForwards(received);
    if (maxForwards === undefined) return { ok: false, status: 483 };
    const req = copyRequest(received);
    req.headers.removeFirst('route');
    req.headers.set('Max-Forwards', String(maxForwards));
    const next = getRoutes(req)[0];
    // §16.6 step 7: a remaining (loose) Route is the next hop, else the Request-URI.
    const hop = chooseNextHop(next === undefined ? req.uri : formatUri(next.uri), this.#d.stack.transports());
    return { ok: true, request: req, hop };
  }
}

function cancelClient(client: ClientTxn | undefined): void {
  client?.cancel(buildCancel(client.request), { onResponse: () => undefined, onFailure: () => undefined });
}
