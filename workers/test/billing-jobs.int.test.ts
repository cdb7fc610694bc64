import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SimulatedClock, SystemClock } from '#lib/clock/index.js';
import { createPool, type Pool } from '#lib/db/index.js';
import { createLogger } from '#lib/log/index.js';
import { checkLowBalances, expireBundles, releaseQuarantined, runBillingJob, runRenewals, startBillingJobs } from '#workers/billing/index.js';
import { createTestDatabase, type TestDatabase } from '#test/support/db.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);
const log = createLogger({ service: 'workers-test', level: 'warn' });
let db: TestDatabase;
let pool: Pool;
let redis: Redis;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, log });
  redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
});
afterAll(async () => {
  redis.disconnect();
  await pool.end();
  await db.drop();
});

async function tenant(balanceMinor: number, threshold: number | null = null): Promise<string> {
  const t = await pool.query<{ id: string }>(
    `INSERT INTO tenants (name, country, default_dial_prefix, currency, sip_realm, low_balance_threshold_minor)
     VALUES ('t', 'DE', '49', 'EUR', $1, $2) RETURNING id`,
    [`w${randomUUID().slice(0, 8)}.example.test`, threshold],
  );
  const id = t.rows[0]!.id;
  if (balanceMinor !== 0) await move(id, balanceMinor);
  return id;
}

/** A top-up (positive) or an adjustment debit (negative) as the control plane would write it. */
async function move(tenantId: string, amountMinor: number): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const tx = await c.query<{ id: string }>("INSERT INTO ledger_transactions (idempotency_key, kind, tenant_id, occurred_at) VALUES ($1, 'adjustment', $2, $3) RETURNING id", [`adj:${randomUUID()}`, tenantId, new Date(T0)]);
    await c.query(
      `INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency) VALUES
        ($1, ledger_account('tenant_cash', $2::uuid, 'EUR'), $3, 'EUR'), ($1, ledger_account('adjustments', NULL, 'EUR'), $4, 'EUR')`,
      [tx.rows[0]!.id, tenantId, amountMinor, -amountMinor],
    );
    await c.query('COMMIT');
  } finally {
    c.release();
  }
}

async function subscription(tenantId: string, opts: { autoRenew: boolean; expiresAtMs: number; period?: string; monthlyMinor?: number }): Promise<{ subId: string; numberId: string }> {
  const n = await pool.query<{ id: string }>(
    "INSERT INTO numbers (e164, country, number_type, monthly_price_minor, currency, status) VALUES ($1, 'DE', 'local', $2, 'EUR', 'active') RETURNING id",
    [`+4930${String(parseInt(randomUUID().slice(0, 8), 16) % 90_000_000 + 10_000_000)}`, opts.monthlyMinor ?? 100],
  );
  const s = await pool.query<{ id: string }>(
    `INSERT INTO number_subscriptions (tenant_id, number_id, period, auto_renew, status, started_at, expires_at)
     VALUES ($1, $2, $3, $4, 'active', $5, $6) RETURNING id`,
    [tenantId, n.rows[0]!.id, opts.period ?? 'month', opts.autoRenew, new Date(opts.expiresAtMs - 30 * DAY), new Date(opts.expiresAtMs)],
  );
  return { subId: s.rows[0]!.id, numberId: n.rows[0]!.id };
}

const balance = async (t: string) => (await pool.query<{ b: number }>('SELECT balance_minor AS b FROM tenant_balances WHERE tenant_id = $1', [t])).rows[0]!.b;
const outbox = async (t: string | null, kind: string) => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id IS NOT DISTINCT FROM $1 AND kind = $2', [t, kind])).rows[0]!.n;

describe('billing jobs (real PostgreSQL and Redis, simulated clock)', () => {
  it('charges a renewal once even when the BullMQ job runs twice, and moves the period on', async () => {
    const t = await tenant(1_000);
    const { subId } = await subscription(t, { autoRenew: true, expiresAtMs: T0 + 2 * DAY, period: 'quarter', monthlyMinor: 100 });
    const clock = new SimulatedClock(T0);
    const prefix = `test-${randomUUID()}`;
    const jobs = await startBillingJobs({ pool, connection: redis, publisher: redis, clock, log, prefix, everyMs: 3_600_000, renewAheadMs: 3 * DAY, quarantineMs: 30 * DAY });
    try {
      await jobs.queue.add('renewals', {});
      await jobs.queue.add('renewals', {});
      const real = new SystemClock();
      for (let i = 0; i < 1_000; i++) {
        // bounded: at most 1,000 × 20 ms
        const c = await jobs.queue.getJobCounts('completed', 'failed');
        if ((c['completed'] ?? 0) + (c['failed'] ?? 0) >= 7) break; // 5 scheduled first runs + 2 extra renewals
        await new Promise<void>((resolve) => real.setTimer(20, resolve));
      }
      const counts = await jobs.queue.getJobCounts('completed', 'failed');
      expect(counts['failed']).toBe(0);
      expect(counts['completed']).toBeGreaterThanOrEqual(7);
    } finally {
      await jobs.close();
    }
    expect(await balance(t)).toBe(700); // one quarter = 3 × 100, charged once
    const keys = await pool.query<{ idempotency_key: string }>("SELECT idempotency_key FROM ledger_transactions WHERE tenant_id = $1 AND kind = 'number_renewal'", [t]);
    expect(keys.rows.map((r) => r.idempotency_key)).toEqual([`renewal:${subId}:${new Date(T0 + 2 * DAY).toISOString()}`]);
    const sub = await pool.query<{ expires_at: Date; status: string }>('SELECT expires_at, status FROM number_subscriptions WHERE id = $1', [subId]);
    expect(sub.rows[0]).toMatchObject({ status: 'active', expires_at: new Date(Date.UTC(2026, 5, 3)) });
    // running again directly at the same time does nothing more
    await runBillingJob('renewals', { pool, publisher: redis, clock: new SimulatedClock(T0), renewAheadMs: 3 * DAY, quarantineMs: 30 * DAY });
    expect(await balance(t)).toBe(700);
  });

  it('auto-renew off → expires at the end of the period → quarantine → back to inventory', async () => {
    const t = await tenant(1_000);
    const { subId, numberId } = await subscription(t, { autoRenew: false, expiresAtMs: T0 + DAY });
    const clock = new SimulatedClock(T0);
    expect(await runRenewals(pool, clock.now(), { aheadMs: 3 * DAY, quarantineMs: 10 * DAY })).toContainEqual({ subscriptionId: subId, result: 'auto_renew_off' });
    clock.advance(DAY);
    expect(await runRenewals(pool, clock.now(), { aheadMs: 3 * DAY, quarantineMs: 10 * DAY })).toContainEqual({ subscriptionId: subId, result: 'expired' });
    expect((await pool.query('SELECT status FROM number_subscriptions WHERE id = $1', [subId])).rows[0]).toEqual({ status: 'expired' });
    expect((await pool.query('SELECT status FROM numbers WHERE id = $1', [numberId])).rows[0]).toEqual({ status: 'quarantine' });
    expect(await outbox(t, 'number_expired')).toBe(1);
    clock.advance(10 * DAY - 1);
    await releaseQuarantined(pool, clock.now());
    expect((await pool.query('SELECT status FROM numbers WHERE id = $1', [numberId])).rows[0]).toEqual({ status: 'quarantine' });
    clock.advance(1);
    await releaseQuarantined(pool, clock.now());
    expect((await pool.query('SELECT status, quarantine_until FROM numbers WHERE id = $1', [numberId])).rows[0]).toEqual({ status: 'available', quarantine_until: null });
    expect(await balance(t)).toBe(1_000);
  });

  it('not enough balance: one renewal-failed event ahead of expiry, then expiry', async () => {
    const t = await tenant(50);
    const { subId } = await subscription(t, { autoRenew: true, expiresAtMs: T0 + DAY, monthlyMinor: 100 });
    const run = (ms: number) => runRenewals(pool, ms, { aheadMs: 3 * DAY, quarantineMs: DAY });
    expect(await run(T0)).toContainEqual({ subscriptionId: subId, result: 'insufficient_balance' });
    await run(T0 + 1_000);
    expect(await outbox(t, 'number_renewal_failed')).toBe(1);
    expect(await run(T0 + DAY)).toContainEqual({ subscriptionId: subId, result: 'expired' });
    expect(await balance(t)).toBe(50);
  });

  it('expires minute bundles once', async () => {
    const t = await tenant(0);
    await pool.query("INSERT INTO minute_bundles (tenant_id, prefixes, seconds_granted, seconds_remaining, credited_at, expires_at) VALUES ($1, '{49}', 600, 420, $2, $3)", [t, new Date(T0 - 365 * DAY), new Date(T0)]);
    expect(await expireBundles(pool, T0 - 1)).toBe(0);
    expect(await expireBundles(pool, T0)).toBeGreaterThanOrEqual(1);
    expect(await expireBundles(pool, T0 + 1)).toBe(0);
    expect((await pool.query('SELECT seconds_remaining FROM minute_bundles WHERE tenant_id = $1', [t])).rows[0]).toEqual({ seconds_remaining: 0 });
    expect(await outbox(t, 'bundle_expired')).toBe(1);
  });

  it('keeps CDR partitions ready ahead of the clock', async () => {
    const clock = new SimulatedClock(Date.UTC(2031, 4, 20));
    const first = await runBillingJob('cdr-partitions', { pool, publisher: redis, clock, renewAheadMs: DAY, quarantineMs: DAY });
    expect(first).toEqual({ created: 4 });
    const names = await pool.query<{ relname: string }>("SELECT relname FROM pg_class WHERE relname IN ('cdrs_203105', 'cdrs_203108', 'cdrs_203109') ORDER BY relname");
    expect(names.rows.map((r) => r.relname)).toEqual(['cdrs_203105', 'cdrs_203108']);
    expect(await runBillingJob('cdr-partitions', { pool, publisher: redis, clock, renewAheadMs: DAY, quarantineMs: DAY })).toEqual({ created: 0 });
  });

  it('writes one low-balance event per downward crossing', async () => {
    const t = await tenant(500, 200);
    await checkLowBalances(pool, T0);
    expect(await outbox(t, 'low_balance')).toBe(0);
    await move(t, -400);
    await checkLowBalances(pool, T0 + 1);
    await checkLowBalances(pool, T0 + 2);
    expect(await outbox(t, 'low_balance')).toBe(1);
    await move(t, 1_000);
    await checkLowBalances(pool, T0 + 3);
    await move(t, -1_000);
    await checkLowBalances(pool, T0 + 4);
    expect(await outbox(t, 'low_balance')).toBe(2);
  });
});
