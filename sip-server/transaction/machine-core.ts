// Shared mechanics of the four RFC 3261 §17 machines: checked transitions and named timers
// that belong to a set of states (a timer is cleared as soon as the machine leaves those states).
import type { Clock, TimerHandle } from '#lib/clock/index.js';
import type { Logger } from '#lib/log/index.js';
import { SIP_TRANSACTION_ERROR_CODES as E } from './error-codes.js';
import type { TimerName } from './timers.js';
import { TransactionError } from './transaction-error.js';

/** Legal moves (data) and where each timer may run. */
export type MachineSpec<S extends string> = {
  name: string;
  legal: Readonly<Record<S, readonly S[]>>;
  timerStates: Readonly<Partial<Record<TimerName, readonly S[]>>>;
};

/** State and timers of one transaction machine. Machines hold one as a private field. */
export class MachineCore<S extends string> {
  readonly #spec: MachineSpec<S>;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #timers = new Map<TimerName, TimerHandle>();
  #state: S;

  constructor(spec: MachineSpec<S>, initial: S, clock: Clock, log: Logger) {
    this.#spec = spec;
    this.#state = initial;
    this.#clock = clock;
    this.#log = log;
  }

  get state(): S {
    return this.#state;
  }

  /**
   * Moves to `to` when the table allows it, else throws STATE_ILLEGAL_TRANSITION.
   * Clears every timer that may not run in `to` (entering 'terminated' clears all).
   */
  transition(to: S): void {
    const from = this.#state;
    if (!this.#spec.legal[from].includes(to)) {
      throw new TransactionError(E.STATE_ILLEGAL_TRANSITION, `${this.#spec.name}: illegal transition ${from} -> ${to}`);
    }
    this.#state = to;
    for (const [name, handle] of this.#timers) {
      const allowed = this.#spec.timerStates[name];
      if (allowed === undefined || !allowed.includes(to)) {
        this.#clock.clearTimer(handle);
        this.#timers.delete(name);
      }
    }
    if (this.#log.isLevelEnabled('debug')) this.#log.debug({ from, to }, 'transaction state');
  }

  /** (Re)starts timer `name`; `fire` runs only if the machine is still in a state that owns the timer. */
  startTimer(name: TimerName, delayMs: number, fire: () => void): void {
    this.clearTimer(name);
    const handle = this.#clock.setTimer(delayMs, () => {
      if (this.#timers.get(name) !== handle) return;
      this.#timers.delete(name);
      fire();
    });
    this.#timers.set(name, handle);
  }

  clearTimer(name: TimerName): void {
    const h = this.#timers.get(name);
    if (h !== undefined) {
      this.#clock.clearTimer(h);
      this.#timers.delete(name);
    }
  }

  /** Names of running timers (for tests). */
  runningTimers(): TimerName[] {
    return [...this.#timers.keys()];
  }
}
