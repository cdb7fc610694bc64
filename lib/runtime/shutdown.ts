import type { Logger } from '../log/index.js';

type Step = { name: string; close: () => Promise<void> | void };

/**
 * Ordered shutdown: steps run in reverse order of registration (last built, first closed),
 * each bounded by a timeout, so a stuck dependency cannot keep the process alive.
 */
export class Shutdown {
  readonly #steps: Step[] = [];
  readonly #log: Logger;
  readonly #stepTimeoutMs: number;
  #running: Promise<void> | undefined;

  constructor(log: Logger, stepTimeoutMs = 5_000) {
    this.#log = log;
    this.#stepTimeoutMs = stepTimeoutMs;
  }

  /** Registers something to close; call in build order. */
  add(name: string, close: () => Promise<void> | void): void {
    this.#steps.push({ name, close });
  }

  get started(): boolean {
    return this.#running !== undefined;
  }

  /** Runs every step once; later calls return the same promise. */
  run(reason: string): Promise<void> {
    this.#running ??= this.#runSteps(reason);
    return this.#running;
  }

  async #runSteps(reason: string): Promise<void> {
    this.#log.info({ reason }, 'shutting down');
    for (const step of [...this.#steps].reverse()) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(step.close),
          new Promise<void>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${this.#stepTimeoutMs} ms`)), this.#stepTimeoutMs);
          }),
        ]);
      } catch (err) {
        this.#log.warn({ err, step: step.name }, 'shutdown step failed');
      } finally {
        clearTimeout(timer);
      }
    }
    this.#log.info('shut down');
  }
}
