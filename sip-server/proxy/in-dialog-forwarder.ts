// RFC 3261 §16.12 (and §16.4, §16.6): requests inside a dialog we Record-Routed with
// `remainInDialog` (/work/shared/drachtio-protocol.md §6.2) arrive with our address as the top
// Route. They are forwarded without involving the app: our Route removed, Max-Forwards decremented,
// sent to the next Route or the Request-URI; responses go back through the server transaction.
// ACK (for a 2xx) is forwarded statelessly; BYE produces a `cdr:stop` (protocol §7).
import { chooseNextHop, type ClientTxn, type ReceivedFrom, type ServerTxn } from '#sip-server/core/index.js';
import { createResponse, formatUri, getRoutes, type SipRequest } from '#sip-server/message/index.js';
import { buildCancel } from '#sip-server/transaction/index.js';
import { copyRequest, nextMaxForwards } from './forward-request.js';
import type { ProxyDeps } from './proxy-session.js';
import { respondUpstream, withoutOurVia } from './upstream-response.js';

/** Counts of what was forwarded (tests and logs). */
export type InDialogCounts = { requests: number; acks: number };

type Forwarding = { ok: true; request: SipRequest; hop: ReturnType<typeof chooseNextHop> } | { ok: false; status: number };

/** Forwards in-dialog requests that follow our Record-Route. */
export class InDialogForwarder {
  readonly #d: ProxyDeps;
  /** Forwarded re-INVITEs still waiting for a final response, for an upstream CANCEL (§16.10). */
  readonly #pendingInvites = new Map<ServerTxn, ClientTxn>();
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
    const isInvite = req.method === 'INVITE';
    let client: ClientTxn;
    try {
      client = d.stack.sendRequest(req, f.hop.endpoint, {
        onResponse: (res) => {
          if (res.status >= 200) this.#pendingInvites.delete(txn);
          if (res.status > 100) respondUpstream(txn, withoutOurVia(res, txn.request), d.log);
        },
        // §16.8, §16.9: no answer acts as 408, a transport failure as 503.
        onFailure: (kind) => {
          this.#pendingInvites.delete(txn);
          respondUpstream(txn, createResponse(txn.request, kind === 'timeout' ? 408 : 503), d.log);
        },
      });
    } catch (err) {
      d.log.warn({ err, method: req.method }, 'in-dialog request could not be forwarded');
      return respondUpstream(txn, createResponse(txn.request, 503), d.log);
    }
    this.counts.requests++;
    if (isInvite) this.#pendingInvites.set(txn, client);
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
    const client = this.#pendingInvites.get(invite);
    if (!client) return false;
    this.#pendingInvites.delete(invite);
    client.cancel(buildCancel(client.request), { onResponse: () => undefined, onFailure: () => undefined });
    return true;
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
