import { RepeatingPass, type Clock } from '#lib/clock/index.js';
import type { Logger } from '#lib/log/index.js';
import type { CdrQueue } from '../cdr/cdr-queue.js';
import type { RateIndexStore } from '../index/index.js';
import type { RaterMetrics } from '../metrics.js';
import { callFactsSchema } from '../reservation/call-facts.js';
import { finishRecord } from '../reservation/finish.js';
import type { ReservationStore } from '../reservation/index.js';

export type ReconcilerOptions = {
  store: ReservationStore;
  queue: CdrQueue;
  rates: RateIndexStore;
  clock: Clock;
  log: Logger;
  metrics: RaterMetrics | undefined;
  everyMs: number;
  batch: number;
};

/** Text stored in end_reason of calls finished by the reconciler. */
export const RECONCILED_END_REASON = 'reconciled: reservation owner vanished';

/**
 * Finishes calls whose reservation outlived its TTL (the owning process died or lost Redis). The
 * real end is unknown; what is known is the answer time, that the call was still up at the last
 * extension, and the end of the last interval reserved. The call is billed through that end: every
 * interval is reserved before it starts and is owed once started, the debit equals what was held
 * (never more, so no balance goes negative), and billing only to the last extension undercharged up
 * to one interval (docs/billing.md, "Reconciliation"). Its CDR is marked reconciled and goes through
 * the same queue and writer as any other call (so a late real end and the reconciler cannot both
 * charge: one idempotency key).
 */
export class Reconciler {
  readonly #o: ReconcilerOptions;
  readonly #pass: RepeatingPass;

  constructor(options: ReconcilerOptions) {
    this.#o = options;
    this.#pass = new RepeatingPass({
      clock: options.clock,
      everyMs: options.everyMs,
      run: () => this.runOnce(),
      onError: (err) => {
        options.log.error({ err }, 'reconciler pass failed');
      },
    });
  }

  /** One pass at the clock's current time; returns how many calls it queued. */
  async runOnce(): Promise<number> {
    const nowMs = this.#o.clock.now();
    const due = await this.#o.store.expired(nowMs, this.#o.batch);
    let queued = 0;
    for (const { tenantId, callId } of due) {
      const stored = await this.#o.store.get(tenantId, callId);
      if (!stored || stored.state !== 'live') continue;
      const text = await this.#o.store.facts(tenantId, callId);
      const parsed = text === null ? null : callFactsSchema.safeParse(JSON.parse(text));
      if (!parsed?.success) {
        this.#o.log.error({ callId, tenantId }, 'expired reservation without readable call facts');
        continue;
      }
      if (!(await this.#o.store.claimForReconcile(tenantId, callId))) continue;
      const f = parsed.data;
      const cost = await this.#o.rates.carrierCost(f.carrierId, f.gatewayId, f.destination, f.answeredAtMs);
      const record = finishRecord(
        {
          callId,
          tenantId,
          caller: f.caller,
          destination: f.destination,
          direction: f.direction,
          gatewayId: f.gatewayId,
          carrierId: f.carrierId,
          startedAtMs: f.startedAtMs,
          ringAtMs: f.ringAtMs,
          answeredAtMs: f.answeredAtMs,
          // the end of the last reserved interval (never before the last extension)
          endedAtMs: Math.max(f.answeredAtMs + stored.coveredSec * 1000, stored.lastAtMs),
          sipStatus: null,
          sipReason: null,
          disposition: 'answered',
          endReason: RECONCILED_END_REASON,
        },
        { facts: f, coveredSec: stored.coveredSec, bundleSec: stored.bundleSec },
        cost,
        true,
      );
      await this.#o.queue.enqueue(record);
      await this.#o.store.leave(tenantId, callId);
      queued++;
      this.#o.metrics?.reconciled.inc();
      this.#o.log.warn({ callId, tenantId, ownerId: stored.ownerId }, 'reservation reconciled');
    }
    return queued;
  }

  start(): void {
    this.#pass.start();
  }

  async stop(): Promise<void> {
    await this.#pass.stop();
  }
}
