// Idle-connection timeout: one clock timer per connection, re-armed lazily (activity only stamps a time).
import type { Clock, TimerHandle } from '#lib/clock/index.js';

/** Calls `onIdle` once no `touch()` happened for `timeoutMs`. A timeout of 0 disables it. */
export class IdleTimer {
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #onIdle: () => void;
  #lastMs: number;
  #handle: TimerHandle | undefined;

  constructor(clock: Clock, timeoutMs: number, onIdle: () => void) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    this.#onIdle = onIdle;
    this.#lastMs = clock.monotonic();
    if (timeoutMs > 0) this.#arm(timeoutMs);
  }

  /** Records traffic. Cheap: the timer is only moved when it fires early. */
  touch(): void {
    this.#lastMs = this.#clock.monotonic();
  }

  stop(): void {
    this.#clock.clearTimer(this.#handle);
    this.#handle = undefined;
  }

  #arm(delayMs: number): void {
    this.#handle = this.#clock.setTimer(delayMs, () => {
      this.#handle = undefined;
      const idleMs = this.#clock.monotonic() - this.#lastMs;
      if (idleMs >= this.#timeoutMs) this.#onIdle();
      else this.#arm(this.#timeoutMs - idleMs);
    });
  }
}
