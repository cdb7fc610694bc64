// RFC 3261 §17.2.2 (non-INVITE server transaction).
import type { SipRequest, SipResponse } from '#sip-server/message/index.js';
import { assertNever } from '#lib/errors/index.js';
import { SIP_TRANSACTION_ERROR_CODES as E } from './error-codes.js';
import { MachineCore, type MachineSpec } from './machine-core.js';
import { timerDurations } from './timers.js';
import { TransactionError } from './transaction-error.js';
import type { MachineDeps, ServerMachineEvents } from './types.js';

export type NistState = 'trying' | 'proceeding' | 'completed' | 'terminated';

const SPEC: MachineSpec<NistState> = {
  name: 'nist',
  legal: {
    trying: ['proceeding', 'completed', 'terminated'],
    proceeding: ['completed', 'terminated'],
    completed: ['terminated'],
    terminated: [],
  },
  timerStates: { J: ['completed'] },
};

/** Server transaction for any received request but INVITE and ACK. */
export class NonInviteServerTransaction {
  readonly kind = 'nist' as const;
  readonly id: string;
  readonly branch: string;
  readonly request: SipRequest;
  readonly #deps: MachineDeps;
  readonly #events: ServerMachineEvents;
  readonly #core: MachineCore<NistState>;
  readonly #t: ReturnType<typeof timerDurations>;
  #last: SipResponse | undefined;

  constructor(deps: MachineDeps, events: ServerMachineEvents) {
    this.id = deps.id;
    this.branch = deps.branch;
    this.request = deps.request;
    this.#deps = deps;
    this.#events = events;
    this.#core = new MachineCore(SPEC, 'trying', deps.clock, deps.log);
    this.#t = timerDurations(deps.timers, deps.reliable);
  }

  get state(): NistState {
    return this.#core.state;
  }

  get runningTimers(): string[] {
    return this.#core.runningTimers();
  }

  get finalStatus(): number | undefined {
    return this.#last !== undefined && this.#last.status >= 200 ? this.#last.status : undefined;
  }

  /** Nothing is sent on creation (§17.2.2: the TU answers). */
  start(): void {}

  /** A retransmission of the request (§17.2.2). */
  receiveRequest(): void {
    const state = this.#core.state;
    switch (state) {
      case 'trying':
      case 'terminated':
        // Absorbed: nothing to resend yet / any more.
        return;
      case 'proceeding':
      case 'completed':
        if (this.#last !== undefined) this.#deps.send(this.#last);
        return;
      default:
        assertNever(state, 'nist state');
    }
  }

  /** The TU's response: 1xx → Proceeding; 200-699 → Completed with Timer J (zero on reliable transports). */
  respond(response: SipResponse): void {
    const state = this.#core.state;
    if (state !== 'trying' && state !== 'proceeding') {
      throw new TransactionError(E.TXN_INVALID_RESPONSE, `cannot send ${response.status} in non-INVITE server transaction state ${state}`);
    }
    if (response.status < 200) {
      if (state === 'trying') this.#core.transition('proceeding');
    } else {
      this.#core.transition('completed');
      this.#core.startTimer('J', this.#t.J, () => {
        this.#core.transition('terminated');
        this.#events.onTerminated();
      });
    }
    this.#last = response;
    this.#deps.send(response);
  }

  /** §17.2.4: transport failure → TU informed, terminate. */
  transportError(error: Error): void {
    if (this.#core.state === 'terminated') return;
    this.#core.transition('terminated');
    this.#events.onTransportError(error);
    this.#events.onTerminated();
  }

  terminate(): void {
    if (this.#core.state === 'terminated') return;
    this.#core.transition('terminated');
    this.#events.onTerminated();
  }
}
