import { RepeatingPass, type Clock } from '#lib/clock/index.js';
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
  readonly #pass: RepeatingPass;

  constructor(options: HoldSweeperOptions) {
    this.#o = options;
    this.#pass = new RepeatingPass({
      clock: options.clock,
      everyMs: options.everyMs,
      run: () => this.runOnce(),
      onError: (err) => {
        options.log.error({ err }, 'SMS hold sweep failed');
      },
    });
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
    this.#pass.start();
  }

  async stop(): Promise<void> {
    await this.#pass.stop();
  }
}
