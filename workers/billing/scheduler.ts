import type { Clock } from '#lib/clock/index.js';
import { changeChannel, encodeChangeEvent } from '#lib/change-events/index.js';
import type { Pool } from '#lib/db/index.js';
import { assertNever } from '#lib/errors/index.js';
import type { Logger } from '#lib/log/index.js';
import type { Redis } from '#lib/redis/index.js';
import { expireBundles } from './bundles.js';
import { checkLowBalances } from './low-balance.js';
import { releaseQuarantined } from './quarantine.js';
import { runRenewals } from './renewals.js';
import { startRepeatableJobs, type RepeatableJobs } from '../jobs/repeatable-jobs.js';

export const BILLING_QUEUE = 'billing';
export const BILLING_JOB_NAMES = ['renewals', 'quarantine', 'bundle-expiry', 'low-balance', 'cdr-partitions'] as const;

/** Months of CDR partitions kept ready ahead of the clock. */
export const CDR_PARTITION_MONTHS_AHEAD = 3;
export type BillingJobName = (typeof BILLING_JOB_NAMES)[number];

export type BillingJobsOptions = {
  pool: Pool;
  /** BullMQ connection (maxRetriesPerRequest: null). */
  connection: Redis;
  /** Plain connection for PUBLISH of change events. */
  publisher: Redis;
  clock: Clock;
  log: Logger;
  /** BullMQ key prefix (tests give each run its own). */
  prefix: string;
  everyMs: number;
  renewAheadMs: number;
  quarantineMs: number;
};

/** Runs one billing job at the injected clock's time; returns a short summary for the job's return value. */
export async function runBillingJob(name: BillingJobName, o: Pick<BillingJobsOptions, 'pool' | 'publisher' | 'clock' | 'renewAheadMs' | 'quarantineMs'>): Promise<Record<string, number>> {
  const nowMs = o.clock.now();
  switch (name) {
    case 'renewals': {
      const outcomes = await runRenewals(o.pool, nowMs, { aheadMs: o.renewAheadMs, quarantineMs: o.quarantineMs });
      // Balances changed outside the rater: tell it to refresh its Redis mirror.
      const charged = new Set(outcomes.filter((x) => x.result === 'renewed').map((x) => x.subscriptionId));
      if (charged.size > 0) {
        const tenants = await o.pool.query<{ tenant_id: string }>('SELECT DISTINCT tenant_id FROM number_subscriptions WHERE id = ANY($1::uuid[])', [[...charged]]);
        for (const t of tenants.rows) {
          await o.publisher.publish(changeChannel('balance'), encodeChangeEvent({ v: 1, entity: 'balance', op: 'updated', id: t.tenant_id, tenantId: t.tenant_id, at: nowMs }));
        }
      }
      // Expired subscriptions lost their routing: the switch drops the number from its cache at once.
      const expired = outcomes.filter((x) => x.result === 'expired').map((x) => x.subscriptionId);
      if (expired.length > 0) {
        const subs = await o.pool.query<{ id: string; tenant_id: string }>('SELECT id, tenant_id FROM number_subscriptions WHERE id = ANY($1::uuid[])', [expired]);
        for (const sub of subs.rows) {
          await o.publisher.publish(changeChannel('number_subscription'), encodeChangeEvent({ v: 1, entity: 'number_subscription', op: 'updated', id: sub.id, tenantId: sub.tenant_id, at: nowMs, fields: ['status', 'routing_kind'] }));
        }
      }
      const count = (r: string) => outcomes.filter((x) => x.result === r).length;
      return { renewed: count('renewed'), expired: count('expired'), insufficient: count('insufficient_balance') };
    }
    case 'quarantine':
      return { released: await releaseQuarantined(o.pool, nowMs) };
    case 'bundle-expiry':
      return { expired: await expireBundles(o.pool, nowMs) };
    case 'low-balance':
      return { events: await checkLowBalances(o.pool, nowMs) };
    case 'cdr-partitions': {
      // cdrs is partitioned by month (0008_cdrs.sql): keep this month and the next ones ready.
      const r = await o.pool.query<{ n: number }>('SELECT ensure_cdr_partitions($1::date, $2) AS n', [new Date(nowMs).toISOString().slice(0, 10), CDR_PARTITION_MONTHS_AHEAD + 1]);
      return { created: r.rows[0]?.n ?? 0 };
    }
    default:
      return assertNever(name, 'billing job');
  }
}

/** Registers the repeatable billing jobs (BullMQ job schedulers) and a worker that runs them. */
export function startBillingJobs(o: BillingJobsOptions): Promise<RepeatableJobs> {
  return startRepeatableJobs({ queue: BILLING_QUEUE, names: BILLING_JOB_NAMES, connection: o.connection, prefix: o.prefix, everyMs: o.everyMs, log: o.log, run: (name) => runBillingJob(name, o) });
}
