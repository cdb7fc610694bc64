// RFC 3261 §17.2.1 (INVITE server transaction), RFC 6026 §7.1 and §8.7 (Accepted state, Timer L).
import { createResponse, type SipRequest, type SipResponse } from '#sip-server/message/index.js';
import { assertNever } from '#lib/errors/index.js';
import { SIP_TRANSACTION_ERROR_CODES as E } from './error-codes.js';
import { MachineCore, type MachineSpec } from './machine-core.js';
import { timerDurations } from './timers.js';
import { TransactionError } from './transaction-error.js';
import type { MachineDeps, ServerMachineEvents } from './types.js';

export type IstState = 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';

const SPEC: MachineSpec<IstState> = {
  name: 'ist',
  legal: {
    proceeding: ['accepted', 'completed', 'terminated'],
    accepted: ['terminated'],
    completed: ['confirmed', 'terminated'],
    confirmed: ['terminated'],
    terminated: [],
  },
  timerStates: { G: ['completed'], H: ['completed'], I: ['confirmed'], L: ['accepted'] },
};

/** Server transaction for a received INVITE. Call `start()` once: it sends 100 Trying at once. */
export class InviteServerTransaction {
  readonly kind = 'ist' as const;
  readonly id: string;
  readonly branch: string;
  readonly request: SipRequest;
  readonly #deps: MachineDeps;
  readonly #events: ServerMachineEvents;
  readonly #core: MachineCore<IstState>;
  readonly #t: ReturnType<typeof timerDurations>;
  /** Last response sent, resent on request retransmissions (§17.2.1). */
  #last: SipResponse | undefined;

  constructor(deps: MachineDeps, events: ServerMachineEvents) {
    this.id = deps.id;
    this.branch = deps.branch;
    this.request = deps.request;
    this.#deps = deps;
    this.#events = events;
    this.#core = new MachineCore(SPEC, 'proceeding', deps.clock, deps.log);
    this.#t = timerDurations(deps.timers, deps.reliable);
  }

  get state(): IstState {
    return this.#core.state;
  }

  get runningTimers(): string[] {
    return this.#core.runningTimers();
  }

  /** The final status sent, if any. */
  get finalStatus(): number | undefined {
    return this.#last !== undefined && this.#last.status >= 200 ? this.#last.status : undefined;
  }

  /**
   * §17.2.1: the machine starts in Proceeding and sends 100 Trying. DEVIATION: RFC 3261 lets the
   * TU answer within 200 ms instead; drachtio-server sends 100 Trying at once, so do we.
   */
  start(): void {
    this.#send(createResponse(this.request, 100));
  }

  /** A retransmission of the INVITE (§17.2.1): resend the last response in Proceeding/Completed. */
  receiveRequest(): void {
    const state = this.#core.state;
    switch (state) {
      case 'proceeding':
      case 'completed':
        if (this.#last !== undefined) this.#send(this.#last);
        return;
      case 'accepted':
      case 'confirmed':
      case 'terminated':
        // RFC 6026 §7.1: absorbed in Accepted; §17.2.1: absorbed in Confirmed.
        return;
      default:
        assertNever(state, 'ist state');
    }
  }

  /** An ACK matched to this transaction. */
  receiveAck(ack: SipRequest): void {
    const state = this.#core.state;
    switch (state) {
      case 'completed':
        // §17.2.1: ACK in Completed → Confirmed, Timer I (zero on reliable transports).
        this.#core.transition('confirmed');
        this.#core.startTimer('I', this.#t.I, () => this.#terminate());
        return;
      case 'accepted':
        // RFC 6026 §7.1: an ACK for the 2xx passes to the TU.
        this.#events.onAck?.(ack);
        return;
      case 'proceeding':
      case 'confirmed':
      case 'terminated':
        return;
      default:
        assertNever(state, 'ist state');
    }
  }

  /**
   * The TU's response. 1xx in Proceeding is sent; 2xx moves to Accepted (RFC 6026, Timer L) and
   * 2xx retransmissions from the TU in Accepted are sent too; 300-699 moves to Completed with
   * Timers G (unreliable) and H. Anything else throws TXN_INVALID_RESPONSE.
   */
  respond(response: SipResponse): void {
    const state = this.#core.state;
    const status = response.status;
    if (state === 'proceeding') {
      if (status < 200) {
        this.#send(response);
      } else if (status < 300) {
        this.#core.transition('accepted');
        this.#core.startTimer('L', this.#t.L, () => this.#terminate());
        this.#send(response);
      } else {
        this.#core.transition('completed');
        this.#send(response);
        if (!this.#deps.reliable) this.#armG(this.#t.G);
        this.#core.startTimer('H', this.#t.H, () => {
          // §17.2.1: Timer H fires → no ACK came; tell the TU, terminate.
          this.#core.transition('terminated');
          this.#events.onTimeout?.('H');
          this.#events.onTerminated();
        });
      }
      return;
    }
    if (state === 'accepted' && status >= 200 && status < 300) {
      // RFC 6026 §7.1: the TU retransmits its 2xx through the transaction while Accepted.
      this.#send(response);
      return;
    }
    throw new TransactionError(E.TXN_INVALID_RESPONSE, `cannot send ${status} in INVITE server transaction state ${state}`);
  }

  #armG(intervalMs: number): void {
    this.#core.startTimer('G', intervalMs, () => {
      // §17.2.1: Timer G → retransmit the final response, interval doubles up to T2.
      if (this.#last !== undefined) this.#send(this.#last);
      this.#armG(Math.min(intervalMs * 2, this.#deps.timers.t2Ms));
    });
  }

  /** §17.2.4: the transport failed to deliver a response → TU informed, terminate. */
  transportError(error: Error): void {
    if (this.#core.state === 'terminated') return;
    this.#core.transition('terminated');
    this.#events.onTransportError(error);
    this.#events.onTerminated();
  }

  terminate(): void {
    if (this.#core.state !== 'terminated') this.#terminate();
  }

  #send(response: SipResponse): void {
    this.#last = response;
    this.#deps.send(response);
  }

  #terminate(): void {
    this.#core.transition('terminated');
    this.#events.onTerminated();
  }
}
