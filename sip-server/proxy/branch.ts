// RFC 3261 §16.7 (response processing) per target: one branch of a proxied request and the client
// transaction that carries it. States: pending → calling → proceeding → completed; pending →
// completed (never started: the search stopped first); calling → completed.
// "calling" = sent, no response yet (the provisional timeout runs, protocol §6.2); "proceeding" =
// some 1xx came (Timer C runs for INVITE, §16.6 step 11); "completed" = final received or given up.
import type { TimerHandle } from '#lib/clock/index.js';
import { AppError } from '#lib/errors/index.js';
import type { ClientTxn } from '#sip-server/core/index.js';
import type { SipResponse } from '#sip-server/message/index.js';
import { PROXY_ERROR_CODES } from './error-codes.js';

export type BranchState = 'pending' | 'calling' | 'proceeding' | 'completed';

const LEGAL: Record<BranchState, readonly BranchState[]> = {
  pending: ['calling', 'completed'],
  calling: ['proceeding', 'completed'],
  proceeding: ['completed'],
  completed: [],
};

export type BranchTimer = 'provisional' | 'final' | 'C' | 'cancel';

/** One target of the proxy's target set (§16.5). */
export class Branch {
  readonly target: string;
  #state: BranchState = 'pending';
  /** The client transaction once the copy was sent. */
  client: ClientTxn | undefined;
  /** The final response kept as a candidate for §16.7 step 6 (our Via already removed). */
  final: SipResponse | undefined;
  /** Set once we sent (or queued) a CANCEL for this branch (§16.10, §9.1). */
  canceled = false;
  /** True for the branch whose 2xx was forwarded. */
  won = false;
  readonly #timers = new Map<BranchTimer, TimerHandle>();
  readonly #clearTimer: (h: TimerHandle) => void;

  constructor(target: string, clearTimer: (h: TimerHandle) => void) {
    this.target = target;
    this.#clearTimer = clearTimer;
  }

  get state(): BranchState {
    return this.#state;
  }

  /** Calling or proceeding: a request is out and no final response arrived. */
  get live(): boolean {
    return this.#state === 'calling' || this.#state === 'proceeding';
  }

  /** Moves to `to` (no-op when already there); leaving the live states clears every timer. */
  transition(to: BranchState): void {
    if (to === this.#state) return;
    if (!LEGAL[this.#state].includes(to)) throw new AppError(PROXY_ERROR_CODES.PROXY_ILLEGAL_TRANSITION, `branch ${this.#state} → ${to}`);
    this.#state = to;
    if (to === 'completed') for (const name of [...this.#timers.keys()]) this.clearTimer(name);
  }

  setTimer(name: BranchTimer, handle: TimerHandle): void {
    this.clearTimer(name);
    this.#timers.set(name, handle);
  }

  clearTimer(name: BranchTimer): void {
    const h = this.#timers.get(name);
    if (h === undefined) return;
    this.#clearTimer(h);
    this.#timers.delete(name);
  }
}
