// RFC 3261 §17.1.2 (non-INVITE client transaction); RFC 4320 not applied (no 408 special-casing).
import type { SipRequest, SipResponse } from '#sip-server/message/index.js';
import { assertNever } from '#lib/errors/index.js';
import { MachineCore, type MachineSpec } from './machine-core.js';
import { timerDurations } from './timers.js';
import type { MessageSource } from '#sip-server/transport/index.js';
import type { ClientMachineEvents, MachineDeps } from './types.js';

export type NictState = 'trying' | 'proceeding' | 'completed' | 'terminated';

const SPEC: MachineSpec<NictState> = {
  name: 'nict',
  legal: {
    trying: ['proceeding', 'completed', 'terminated'],
    proceeding: ['completed', 'terminated'],
    completed: ['terminated'],
    terminated: [],
  },
  timerStates: { E: ['trying', 'proceeding'], F: ['trying', 'proceeding'], K: ['completed'] },
};

/** Client transaction for any request but INVITE and ACK. Call `start()` once. */
export class NonInviteClientTransaction {
  readonly kind = 'nict' as const;
  readonly id: string;
  readonly branch: string;
  readonly request: SipRequest;
  readonly #deps: MachineDeps;
  readonly #events: ClientMachineEvents;
  readonly #core: MachineCore<NictState>;
  readonly #t: ReturnType<typeof timerDurations>;

  constructor(deps: MachineDeps, events: ClientMachineEvents) {
    this.id = deps.id;
    this.branch = deps.branch;
    this.request = deps.request;
    this.#deps = deps;
    this.#events = events;
    this.#core = new MachineCore(SPEC, 'trying', deps.clock, deps.log);
    this.#t = timerDurations(deps.timers, deps.reliable);
  }

  get state(): NictState {
    return this.#core.state;
  }

  get runningTimers(): string[] {
    return this.#core.runningTimers();
  }

  /** §17.1.2.2: send the request; Timer E (unreliable only) and Timer F start in Trying. */
  start(): void {
    this.#deps.send(this.request);
    if (!this.#deps.reliable) this.#armE(this.#t.E);
    this.#core.startTimer('F', this.#t.F, () => {
      // §17.1.2.2: Timer F fires in Trying or Proceeding → timeout to the TU, terminate.
      this.#core.transition('terminated');
      this.#events.onTimeout('F');
      this.#events.onTerminated();
    });
  }

  #armE(intervalMs: number): void {
    this.#core.startTimer('E', intervalMs, () => {
      // §17.1.2.2: retransmit; in Trying the interval doubles up to T2, in Proceeding it is T2.
      this.#deps.send(this.request);
      const next = this.#core.state === 'trying' ? Math.min(intervalMs * 2, this.#deps.timers.t2Ms) : this.#deps.timers.t2Ms;
      this.#armE(next);
    });
  }

  receiveResponse(response: SipResponse, source?: MessageSource): void {
    const state = this.#core.state;
    switch (state) {
      case 'trying':
      case 'proceeding':
        if (response.status < 200) {
          // §17.1.2.2: 1xx → Proceeding, pass up.
          if (state === 'trying') this.#core.transition('proceeding');
          this.#events.onResponse(response, source);
        } else {
          // §17.1.2.2: final → Completed, pass up, Timer K (zero on reliable transports).
          this.#core.transition('completed');
          this.#events.onResponse(response, source);
          this.#core.startTimer('K', this.#t.K, () => this.#terminate());
        }
        return;
      case 'completed':
      case 'terminated':
        // §17.1.2.2: retransmitted finals are absorbed.
        return;
      default:
        assertNever(state, 'nict state');
    }
  }

  /** §17.1.4: transport failure in Trying/Proceeding → TU informed, terminate. */
  transportError(error: Error): void {
    const state = this.#core.state;
    if (state !== 'trying' && state !== 'proceeding') return;
    this.#core.transition('terminated');
    this.#events.onTransportError(error);
    this.#events.onTerminated();
  }

  terminate(): void {
    if (this.#core.state !== 'terminated') this.#terminate();
  }

  #terminate(): void {
    this.#core.transition('terminated');
    this.#events.onTerminated();
  }
}
