import type { Clock, TimerHandle } from '#lib/clock/index.js';
import type { Logger } from '#lib/log/index.js';
import type { MessageMoney } from './message-money.js';
import type { SmsHoldStore } from './sms-hold-store.js';

export type HoldSweeperOptions = { holds: SmsHoldStore; money: MessageMoney; clock: Clock; log: Logger; everyMs: number; batch: number };

/**
 * Ends SMS holds whose TTL passed (the switch crashed or never settled): the held money or bundle
 * message becomes available again, unless the charge reached the ledger (then it is committed).
 */
export class HoldSweeper {
  readonly #o: HoldSweeperOptions;
  #timer: TimerHandle | undefined;
  #running: Promise<number> | undefined;
  #stopped = false;

  constructor(options: HoldSweeperOptions) {
    this.#o = options;
  }

  /** One pass at the clock's current time; returns how many holds it ended. */
  async runOnce(): Promise<number> {
    const due = await this.#o.holds.expired(this.#o.clock.now(), this.#o.batch);
    let ended = 0;
    for (const { tenantId, messageId } of due) {
      if ((await this.#o.money.finishLapsed(tenantId, messageId)) !== 'gone') ended++;
    }
    return ended;
  }

  start(): void {
    const tick = (): void => {
      this.#running = this.runOnce();
      this.#running
        .catch((err: unknown) => this.#o.log.error({ err }, 'SMS hold sweep failed'))
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
