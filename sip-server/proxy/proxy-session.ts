// RFC 3261 §16 stateful proxying of one received request (the "response context", §16.7) as the
// drachtio `proxy` verb defines it (/work/shared/drachtio-protocol.md §6.2, §6.3): serial or
// simultaneous branches, provisional/final timeouts, 3xx recursion, best response, CANCEL of the
// other branches on 2xx (§16.7 step 10) and of all branches on an upstream CANCEL (§16.10).
// Session states: searching → finished.
import type { Clock } from '#lib/clock/index.js';
import type { IdSource } from '#lib/ids/index.js';
import type { Logger } from '#lib/log/index.js';
import type { CdrEvent, ReceivedFrom, ServerTxn, SipStackPort } from '#sip-server/core/index.js';
import { createResponse, getToTag, serializeMessage, type SipRequest, type SipResponse } from '#sip-server/message/index.js';
import { buildCancel } from '#sip-server/transaction/index.js';
import type { ServerMessage } from '#sip-server/wire/index.js';
import { selectBestResponse, upstreamStatus } from './best-response.js';
import { Branch, type BranchTimer } from './branch.js';
import { buildBranchRequest } from './forward-request.js';
import type { ProxyPlan } from './proxy-plan.js';
import { redirectTargets } from './redirect.js';
import { respondUpstream, withoutOurVia } from './upstream-response.js';

/** RFC 3261 §16.6 step 11: Timer C must exceed 3 minutes; drachtio-server uses 185 s. */
export const TIMER_C_MS = 185_000;

/** What every session needs, built once by SipProxy. */
export type ProxyDeps = {
  stack: SipStackPort;
  clock: Clock;
  ids: IdSource;
  log: Logger;
  t1Ms: number;
  timerCMs: number;
  outboundProxy: string | undefined;
  cdr: (e: CdrEvent) => void;
};

export type SessionOptions = {
  txn: ServerTxn;
  /** The received request with our own Route removed (§16.4). */
  received: SipRequest;
  plan: ProxyPlan;
  replaceRequestUri: boolean;
  maxForwards: number;
  /** Progress and `done` frames to the app that proxied (§6.3). */
  report: (m: ServerMessage) => void;
  /** The message id of the app's `proxy` command. */
  msgId: string;
  /** A branch's 401/407 challenge (protocol §6.2: its nonce pins the retry to that target). */
  onChallenge: (challenge: SipResponse, target: string) => void;
  onFinished: () => void;
};

/** One proxied request and its branches. */
export class ProxySession {
  readonly #d: ProxyDeps;
  readonly #o: SessionOptions;
  readonly #branches: Branch[] = [];
  /** Final responses in the order received: the candidates of §16.7 step 6. */
  readonly #finals: SipResponse[] = [];
  #searching = true;
  readonly #isInvite: boolean;

  constructor(deps: ProxyDeps, o: SessionOptions) {
    this.#d = deps;
    this.#o = o;
    this.#isInvite = o.received.method === 'INVITE';
    for (const t of o.plan.targets) this.#branches.push(this.#newBranch(t));
  }

  get searching(): boolean {
    return this.#searching;
  }

  /** Branches in target-set order (for tests and logs). */
  get branches(): readonly Branch[] {
    return this.#branches;
  }

  start(): void {
    this.#launchNext();
  }

  /** §16.10: CANCEL from upstream (already answered 200): stop searching and cancel every live branch. */
  cancel(cancel: SipRequest): void {
    if (!this.#searching) return;
    if (this.#isInvite) this.#d.cdr({ kind: 'cdr:stop', source: 'network', reason: 'call-canceled', message: cancel });
    for (const b of this.#branches) {
      if (b.state === 'pending') b.transition('completed');
      else if (b.live) {
        this.#cancelBranch(b);
        // RFC 3261 §9.1: a branch that does not answer the CANCEL in 64*T1 is given up.
        b.setTimer('cancel', this.#d.clock.setTimer(64 * this.#d.t1Ms, () => this.#giveUp(b, 487, false)));
      }
    }
    this.#launchNext();
  }

  #newBranch(target: string): Branch {
    return new Branch(target, (h) => this.#d.clock.clearTimer(h));
  }

  /** Starts the next branch (serial) or every pending one (simultaneous); finishes when none is left. */
  #launchNext(): void {
    if (!this.#searching) return;
    for (const b of this.#branches) {
      if (this.#o.plan.mode === 'serial' && this.#branches.some((x) => x.live)) break;
      if (b.state === 'pending') this.#launch(b);
    }
    if (!this.#branches.some((b) => b.live || b.state === 'pending')) this.#finish();
  }

  #launch(b: Branch): void {
    const d = this.#d;
    const built = buildBranchRequest(this.#o.received, b.target, {
      transports: d.stack.transports(),
      replaceRequestUri: this.#o.replaceRequestUri,
      recordRoute: this.#o.plan.remainInDialog,
      headers: this.#o.plan.headers,
      outboundProxy: d.outboundProxy,
      maxForwards: this.#o.maxForwards,
    });
    if (!built.ok) {
      d.log.warn({ target: b.target, reason: built.reason }, 'proxy target unusable, skipped');
      b.transition('completed');
      return;
    }
    try {
      b.client = d.stack.sendRequest(built.request, built.destination, {
        onResponse: (res, from) => this.#onResponse(b, res, from),
        // §16.7 step 1 / §16.8: a timeout acts as a 408, a transport error as a 503 (§16.9).
        onFailure: (kind) => this.#giveUp(b, kind === 'timeout' ? 408 : 503, false),
      });
    } catch (err) {
      d.log.warn({ err, target: b.target }, 'proxy could not send to target, skipped');
      b.transition('completed');
      return;
    }
    b.transition('calling');
    if (this.#isInvite) d.cdr({ kind: 'cdr:attempt', source: 'application', message: b.client.request });
    const { provisionalTimeoutMs, finalTimeoutMs } = this.#o.plan;
    if (provisionalTimeoutMs !== undefined) this.#arm(b, 'provisional', provisionalTimeoutMs, () => this.#onProvisionalTimeout(b));
    if (finalTimeoutMs !== undefined) this.#arm(b, 'final', finalTimeoutMs, () => this.#giveUp(b, 408, true));
    if (this.#isInvite) this.#arm(b, 'C', d.timerCMs, () => this.#giveUp(b, 408, true));
  }

  #arm(b: Branch, name: BranchTimer, ms: number, fn: () => void): void {
    b.setTimer(name, this.#d.clock.setTimer(ms, fn));
  }

  #onResponse(b: Branch, res: SipResponse, from: ReceivedFrom): void {
    const up = withoutOurVia(res, this.#o.txn.request);
    if (res.status < 200) return this.#onProvisional(b, up);
    if (res.status < 300) return this.#on2xx(b, res, up, from);
    // A final after we gave up on the branch (timeouts) changes nothing.
    if (b.state === 'completed') return;
    b.transition('completed');
    this.#reportFinal(res, from);
    if (this.#isInvite) this.#d.cdr({ kind: 'cdr:stop', source: 'network', reason: res.status === 487 ? 'call-canceled' : 'call-rejected', message: res });
    if (res.status < 400 && this.#o.plan.followRedirects && this.#searching) this.#recurse(b, up);
    b.final = up;
    this.#finals.push(up);
    if ((res.status === 401 && res.headers.has('www-authenticate')) || (res.status === 407 && res.headers.has('proxy-authenticate'))) {
      // Protocol §6.2: a challenge goes upstream at once; untried targets are abandoned.
      this.#o.onChallenge(res, b.target);
      for (const x of this.#branches) if (x.state === 'pending') x.transition('completed');
    }
    this.#launchNext();
  }

  /** §16.7 step 5: 1xx (but 100) go upstream at once; any response ends the provisional timeout. */
  #onProvisional(b: Branch, up: SipResponse): void {
    if (b.state === 'completed') return;
    b.clearTimer('provisional');
    b.transition('proceeding');
    if (up.status === 100) return;
    if (this.#isInvite) this.#arm(b, 'C', this.#d.timerCMs, () => this.#giveUp(b, 408, true)); // §16.7 step 2: reset Timer C
    if (this.#searching) this.#upstream(up);
  }

  /** §16.7 steps 5 and 10: a 2xx goes upstream at once (also retransmissions and late ones); the others are cancelled. */
  #on2xx(b: Branch, res: SipResponse, up: SipResponse, from: ReceivedFrom): void {
    if (b.won || !this.#searching) {
      this.#upstream(up);
      return;
    }
    if (b.state !== 'completed') b.transition('completed');
    b.won = true;
    this.#searching = false;
    this.#reportFinal(res, from);
    if (this.#isInvite) this.#d.cdr({ kind: 'cdr:start', source: 'network', role: 'proxy-uac', message: res });
    for (const x of this.#branches) {
      if (x.state === 'pending') x.transition('completed');
      else if (x.live) {
        this.#cancelBranch(x);
        x.transition('completed');
      }
    }
    this.#upstream(up);
    if (this.#isInvite) this.#d.cdr({ kind: 'cdr:start', source: 'application', role: 'proxy-uas', message: up });
    this.#done();
  }

  /** §16.5: the Contacts of a 3xx become new targets right after the branch (targets already tried are skipped). */
  #recurse(b: Branch, up: SipResponse): void {
    const known = new Set(this.#branches.map((x) => x.target));
    const fresh = redirectTargets(up).filter((t) => !known.has(t));
    if (fresh.length === 0) return;
    // §16.7 step 4: contacts we recurse on are removed from the response kept as a candidate.
    up.headers.remove('contact');
    this.#branches.splice(this.#branches.indexOf(b) + 1, 0, ...fresh.map((t) => this.#newBranch(t)));
  }

  /** Protocol §6.2: no response at all within the provisional timeout → next target (CANCEL sent if a 1xx comes later). */
  #onProvisionalTimeout(b: Branch): void {
    if (b.state !== 'calling') return;
    this.#d.log.info({ target: b.target }, 'proxy branch gave no response in time, trying the next');
    this.#cancelBranch(b);
    b.transition('completed');
    this.#launchNext();
  }

  /**
   * Final timeout, Timer C, Timer B/F, transport error, unanswered CANCEL: the branch counts as `status`
   * (§16.8, §16.9). `cancel` when the client transaction is still alive (§9.1 queues it until a 1xx).
   */
  #giveUp(b: Branch, status: number, cancel: boolean): void {
    if (b.state === 'completed') return;
    if (cancel) this.#cancelBranch(b);
    b.transition('completed');
    const res = createResponse(this.#o.txn.request, status, undefined, { toTag: this.#d.ids.tag() });
    b.final = res;
    this.#finals.push(res);
    this.#launchNext();
  }

  /** §9.1 via the transaction layer: sent now in Proceeding, or on the first 1xx while Calling. */
  #cancelBranch(b: Branch): void {
    if (b.canceled || !b.client || !this.#isInvite) return;
    b.canceled = true;
    b.client.cancel(buildCancel(b.client.request), { onResponse: () => undefined, onFailure: () => undefined });
  }

  /** §16.7 step 6: every branch ended without a 2xx: the best final response (408 when none) goes upstream. */
  #finish(): void {
    this.#searching = false;
    if (!this.#branches.some((b) => b.client !== undefined)) {
      // drachtio-server: no request went out at all → 500 upstream and NOK to the app (protocol §6.3).
      const res = createResponse(this.#o.txn.request, 500, undefined, { toTag: this.#d.ids.tag() });
      this.#upstream(res);
      if (this.#isInvite) this.#d.cdr({ kind: 'cdr:stop', source: 'application', reason: 'call-rejected', message: res });
      this.#o.report({ kind: 'response-fail', inReplyTo: this.#o.msgId, status: 'NOK', reason: 'error proxying request: no usable destination' });
      this.#o.onFinished();
      return;
    }
    const i = selectBestResponse(this.#finals.map((r) => r.status));
    const chosen = i === undefined ? undefined : this.#finals[i];
    let res: SipResponse;
    if (chosen === undefined) res = createResponse(this.#o.txn.request, 408, undefined, { toTag: this.#d.ids.tag() });
    else if (upstreamStatus(chosen.status) !== chosen.status) {
      res = createResponse(this.#o.txn.request, upstreamStatus(chosen.status), undefined, { toTag: getToTag(chosen) ?? this.#d.ids.tag() });
    } else res = chosen;
    this.#upstream(res);
    if (this.#isInvite) this.#d.cdr({ kind: 'cdr:stop', source: 'application', reason: res.status === 487 ? 'call-canceled' : 'call-rejected', message: res });
    this.#done();
  }

  #upstream(res: SipResponse): void {
    respondUpstream(this.#o.txn, res, this.#d.log);
  }

  /** §6.3: each final a branch received goes to the app with `continue`. */
  #reportFinal(res: SipResponse, from: ReceivedFrom): void {
    const meta = { source: 'network' as const, protocol: from.protocol, address: from.remoteAddress, port: from.remotePort, timeMs: this.#d.clock.now() };
    this.#o.report({ kind: 'response-proxy-final', inReplyTo: this.#o.msgId, meta, sip: serializeMessage(res) });
  }

  #done(): void {
    this.#o.report({ kind: 'response-ok', inReplyTo: this.#o.msgId, data: ['done'] });
    this.#o.onFinished();
  }
}
