// The stateful proxy behind the drachtio `proxy` verb (/work/shared/drachtio-protocol.md §6;
// RFC 3261 §16): implements the UA core's ProxyUser port. One ProxySession per proxied request;
// in-dialog requests that follow our Record-Route go through the InDialogForwarder (§16.12).
import { createResponse, getToTag, type SipRequest } from '#sip-server/message/index.js';
import type { ProxyStart, ProxyUser, ReceivedFrom, ServerTxn } from '#sip-server/core/index.js';
import { copyRequest, nextMaxForwards, requestUriIsOurs, topRouteIsOurs } from './forward-request.js';
import { ChallengeMemory } from './challenge-memory.js';
import { InDialogForwarder, type InDialogCounts } from './in-dialog-forwarder.js';
import { planFromCommand } from './proxy-plan.js';
import { ProxySession, type ProxyDeps } from './proxy-session.js';
import { respondUpstream } from './upstream-response.js';

export type SipProxyStats = { sessions: number; inDialog: Readonly<InDialogCounts> };

/** drachtio-compatible proxying; attach with `core.attachProxy(new SipProxy(deps))`. */
export class SipProxy implements ProxyUser {
  readonly #d: ProxyDeps;
  readonly #sessions = new Map<ServerTxn, ProxySession>();
  readonly #inDialog: InDialogForwarder;
  readonly #challenges: ChallengeMemory;

  constructor(deps: ProxyDeps) {
    this.#d = deps;
    this.#inDialog = new InDialogForwarder(deps);
    this.#challenges = new ChallengeMemory(deps.clock);
  }

  /** Live proxy sessions and in-dialog forwarding counts (tests, logs). */
  get stats(): SipProxyStats {
    return { sessions: this.#sessions.size, inDialog: { ...this.#inDialog.counts } };
  }

  /** §6.2: validate the command, then start forwarding; a failure is `NOK` to the app and 500/483 upstream. */
  start({ conn, command, txn }: ProxyStart): void {
    const d = this.#d;
    const fail = (reason: string, status: number): void => {
      respondUpstream(txn, createResponse(txn.request, status, undefined, { toTag: d.ids.tag() }), d.log);
      conn.send({ kind: 'response-fail', inReplyTo: command.msgId, status: 'NOK', reason });
    };
    const planned = planFromCommand(command);
    if (!planned.ok) return fail(planned.reason, 500);
    const maxForwards = nextMaxForwards(txn.request);
    if (maxForwards === undefined) return fail('Max-Forwards exhausted', 483); // §16.3 item 3
    const transports = d.stack.transports();
    const received = copyRequest(txn.request);
    if (topRouteIsOurs(received, transports)) received.headers.removeFirst('route'); // §16.4
    // §6.2: an authenticated retry goes where its challenge came from.
    const pinned = this.#challenges.targetFor(txn.request);
    const session = new ProxySession(d, {
      txn,
      received,
      plan: pinned === undefined ? planned.plan : { ...planned.plan, targets: [pinned] },
      replaceRequestUri: requestUriIsOurs(txn.request, transports),
      maxForwards,
      report: (m) => conn.send(m),
      msgId: command.msgId,
      onFinished: () => this.#sessions.delete(txn),
      onChallenge: (challenge, target) => this.#challenges.remember(challenge, target),
    });
    this.#sessions.set(txn, session);
    session.start();
  }

  onRequest(txn: ServerTxn): boolean {
    if (!this.#followsOurRecordRoute(txn.request)) return false;
    this.#inDialog.forwardRequest(txn);
    return true;
  }

  onAck(ack: SipRequest, from: ReceivedFrom): boolean {
    if (!this.#followsOurRecordRoute(ack)) return false;
    this.#inDialog.forwardAck(ack, from);
    return true;
  }

  onCancel(invite: ServerTxn, cancel: SipRequest): boolean {
    const session = this.#sessions.get(invite);
    if (session) {
      session.cancel(cancel);
      return true;
    }
    return this.#inDialog.cancel(invite);
  }

  /** §16.4 / §16.12: in a dialog (To tag), our address as top Route, and a Request-URI that is not ours. */
  #followsOurRecordRoute(req: SipRequest): boolean {
    if (getToTag(req) === undefined) return false;
    const transports = this.#d.stack.transports();
    return topRouteIsOurs(req, transports) && !requestUriIsOurs(req, transports);
  }
}
