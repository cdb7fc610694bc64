// One message's hold at the billing rater, from authorize to settle (lib/rater-api). The rater
// holds the price (or an SMS bundle message) before the switch sends; `charge()` settles it as
// sent (charged once, however often repeated: the id is stable), `release()` as failed. A settle
// that cannot reach the rater is logged and left to lapse there (unpaid, never charged twice).
import type { DenyReason, SettleMessageResponse } from '#lib/rater-api/index.js';
import type { IncomingMessage } from './incoming-message.js';
import type { SmsCharged } from './sms-store.js';

export class MessageHold {
  readonly #msg: IncomingMessage;
  readonly #tenantId: string;
  #settled = false;

  private constructor(msg: IncomingMessage, tenantId: string) {
    this.#msg = msg;
    this.#tenantId = tenantId;
  }

  /** Asks the rater to hold the message's price; the deny reason when it will not. */
  static async take(msg: IncomingMessage, tenantId: string, destination: string): Promise<{ ok: true; hold: MessageHold } | { ok: false; reason: DenyReason }> {
    const r = await msg.env.rater.authorizeMessage({ messageId: msg.messageId, tenantId, destination, atMs: msg.atMs });
    return r.allowed ? { ok: true, hold: new MessageHold(msg, tenantId) } : { ok: false, reason: r.reason };
  }

  get settled(): boolean {
    return this.#settled;
  }

  /** The message went (carrier, device or stored on-net): what the rater charged, if it did. */
  async charge(): Promise<SmsCharged | undefined> {
    const r = await this.#settle('sent');
    if (r?.state !== 'committed') {
      if (r) this.#msg.log.warn({ state: r.state }, 'SMS sent but its hold was not charged');
      return undefined;
    }
    return { priceMinor: r.priceMinor, currency: r.currency, bundleId: r.bundleId, ledgerKey: r.ledgerKey };
  }

  /** The message did not go: the held money (or bundle message) is free again. */
  async release(): Promise<void> {
    await this.#settle('failed');
  }

  async #settle(outcome: 'sent' | 'failed'): Promise<SettleMessageResponse | undefined> {
    this.#settled = true;
    try {
      return await this.#msg.env.rater.settleMessage({ messageId: this.#msg.messageId, tenantId: this.#tenantId, outcome, atMs: this.#msg.env.clock.now() });
    } catch (err) {
      this.#msg.log.error({ err, outcome }, 'SMS not settled at the rater; the hold lapses there');
      return undefined;
    }
  }
}
