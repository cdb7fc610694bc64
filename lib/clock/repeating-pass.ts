// A background pass that runs at once and then `everyMs` after each run ends (never two at a time),
// on an injectable clock, so tests drive it with the simulated clock. stop() waits for a running pass.
import type { Clock, TimerHandle } from './clock.js';

export type RepeatingPassOptions = {
  clock: Clock;
  everyMs: number;
  run: () => Promise<unknown>;
  /** Called with a pass's error; the next pass is still scheduled. */
  onError: (err: unknown) => void;
};

export class RepeatingPass {
  readonly #o: RepeatingPassOptions;
  #timer: TimerHandle | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;

  constructor(options: RepeatingPassOptions) {
    this.#o = options;
  }

  start(): void {
    const tick = (): void => {
      this.#running = this.#o.run();
      this.#running
        .catch((err: unknown) => {
          this.#o.onError(err);
        })
        .finally(() => {
          this.#running = undefined;
          if (!this.#stopped) this.#timer = this.#o.clock.setTimer(this.#o.everyMs, tick);
        });
    };
    this.#timer = this.#o.clock.setTimer(0, tick);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#o.clock.clearTimer(this.#timer);
    await this.#running?.catch(() => undefined);
  }
}
