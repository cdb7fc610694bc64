/** Opaque handle returned by `Clock.setTimer`. */
export type TimerHandle = { readonly id: number };

/**
 * The only source of time in the code base. Domain code receives a Clock;
 * it never calls Date.now(), setTimeout() or performance.now() itself.
 */
export interface Clock {
  /** Wall-clock time, epoch milliseconds. */
  now(): number;
  /** Monotonic milliseconds, for measuring intervals. */
  monotonic(): number;
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle | undefined): void;
}
