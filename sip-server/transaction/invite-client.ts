// RFC 3261 §17.1.1 (INVITE client transaction), RFC 6026 §8.4 (Accepted state, Timer M).
import { SipHeaders, type SipRequest, type SipResponse } from '#sip-server/message/index.js';
import { assertNever } from '#lib/errors/index.js';
import { MachineCore, type MachineSpec } from './machine-core.js';
import { timerDurations } from './timers.js';
import type { MessageSource } from '#sip-server/transport/index.js';
import type { ClientMachineEvents, MachineDeps } from './types.js';

export type IctState = 'calling' | 'proceeding' | 'accepted' | 'completed' | 'terminated';

const SPEC: MachineSpec<IctState> = {
  name: 'ict',
  legal: {
    calling: ['proceeding', 'accepted', 'completed', 'terminated'],
    proceeding: ['accepted', 'completed', 'terminated'],
    accepted: ['terminated'],
    completed: ['terminated'],
    terminated: [],
  },
  timerStates: { A: ['calling'], B: ['calling'], D: ['completed'], M: ['accepted'] },
};

/** Client transaction for an INVITE. Call `start()` once to send the request. */
export class InviteClientTransaction {
  readonly kind = 'ict' as const;
  readonly id: string;
  readonly branch: string;
  readonly request: SipRequest;
  readonly #deps: MachineDeps;
  readonly #events: ClientMachineEvents;
  readonly #core: MachineCore<IctState>;
  readonly #t: ReturnType<typeof timerDurations>;
  #ack: SipRequest | undefined;

  constructor(deps: MachineDeps, events: ClientMachineEvents) {
    this.id = deps.id;
    this.branch = deps.branch;
    this.request = deps.request;
    this.#deps = deps;
    this.#events = events;
    this.#core = new MachineCore(SPEC, 'calling', deps.clock, deps.log);
    this.#t = timerDurations(deps.timers, deps.reliable);
  }

  get state(): IctState {
    return this.#core.state;
  }

  /** Running timer names (tests). */
  get runningTimers(): string[] {
    return this.#core.runningTimers();
  }

  /** §17.1.1.2: send the INVITE; Timer A (unreliable only) and Timer B start in Calling. */
  start(): void {
    this.#deps.send(this.request);
    if (!this.#deps.reliable) this.#armA(this.#t.A);
    this.#core.startTimer('B', this.#t.B, () => this.#timeout());
  }

  #armA(intervalMs: number): void {
    this.#core.startTimer('A', intervalMs, () => {
      // §17.1.1.2: Timer A fires → retransmit and double the interval.
      this.#deps.send(this.request);
      this.#armA(intervalMs * 2);
    });
  }

  #timeout(): void {
    // §17.1.1.2: Timer B fires in Calling → inform the TU, terminate.
    this.#core.transition('terminated');
    this.#events.onTimeout('B');
    this.#events.onTerminated();
  }

  /** A response matched to this transaction (§17.1.3); `source` is where it came from (passed to the TU). */
  receiveResponse(response: SipResponse, source?: MessageSource): void {
    const status = response.status;
    const state = this.#core.state;
    switch (state) {
      case 'calling':
      case 'proceeding':
        if (status < 200) {
          // §17.1.1.2: 1xx → Proceeding, pass up.
          if (state === 'calling') this.#core.transition('proceeding');
          this.#events.onResponse(response, source);
        } else if (status < 300) {
          // RFC 6026 §8.4: 2xx → Accepted (Timer M), pass up; the TU sends the ACK.
          this.#core.transition('accepted');
          this.#core.startTimer('M', this.#t.M, () => this.#terminate());
          this.#events.onResponse(response, source);
        } else {
          // §17.1.1.2: 300-699 → Completed, send ACK, pass up, Timer D.
          this.#core.transition('completed');
          this.#ack = buildAckForNon2xx(this.request, response);
          this.#deps.send(this.#ack);
          this.#core.startTimer('D', this.#t.D, () => this.#terminate());
          this.#events.onResponse(response, source);
        }
        return;
      case 'accepted':
        // RFC 6026 §8.4: 2xx retransmissions go to the TU (which re-ACKs); others are dropped.
        if (status >= 200 && status < 300) this.#events.onResponse(response, source);
        return;
      case 'completed':
        // §17.1.1.2: a retransmitted final response → resend the ACK, do not pass up.
        if (status >= 300 && this.#ack !== undefined) this.#deps.send(this.#ack);
        return;
      case 'terminated':
        return;
      default:
        assertNever(state, 'ict state');
    }
  }

  /** §17.1.4: the transport failed → inform the TU, terminate. */
  transportError(error: Error): void {
    const state = this.#core.state;
    if (state === 'terminated') return;
    // An ACK or retransmission failing in Completed/Accepted does not matter to the TU.
    if (state === 'calling' || state === 'proceeding') {
      this.#core.transition('terminated');
      this.#events.onTransportError(error);
      this.#events.onTerminated();
    }
  }

  /** Ends the transaction at once (layer shutdown). */
  terminate(): void {
    if (this.#core.state !== 'terminated') this.#terminate();
  }

  #terminate(): void {
    this.#core.transition('terminated');
    this.#events.onTerminated();
  }
}

/**
 * §17.1.1.3: the ACK for a non-2xx final response: Request-URI, Call-ID, From and the top Via
 * of the INVITE, To of the response, CSeq number of the INVITE with method ACK, the INVITE's Route headers.
 */
export function buildAckForNon2xx(invite: SipRequest, response: SipResponse): SipRequest {
  const h = new SipHeaders();
  const topVia = invite.headers.getAll('via')[0];
  if (topVia !== undefined) h.add('Via', topVia);
  for (const r of invite.headers.getLines('route')) h.add('Route', r);
  const mf = invite.headers.get('max-forwards');
  if (mf !== undefined) h.add('Max-Forwards', mf);
  h.add('From', invite.headers.get('from') ?? '');
  h.add('To', response.headers.get('to') ?? invite.headers.get('to') ?? '');
  h.add('Call-ID', invite.headers.get('call-id') ?? '');
  const cseq = invite.headers.get('cseq') ?? '';
  h.add('CSeq', `${cseq.trim().split(/\s+/)[0] ?? '1'} ACK`);
  h.add('Content-Length', '0');
  return { kind: 'request', method: 'ACK', uri: invite.uri, headers: h, body: Buffer.alloc(0) };
}
