import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { createPool, type Pool } from '#lib/db/index.js';
import { createLogger } from '#lib/log/index.js';
import { CdrQueue, CdrWriter, type CallEndRecord } from '#billing-rater/cdr/index.js';
import { COPY_MIN_RECORDS } from '#billing-rater/ledger/insert-cdrs.js';
import { ReservationStore, raterKeys } from '#billing-rater/reservation/index.js';
import { createTestDatabase, type TestDatabase } from '#test/support/db.js';
import { createTestRedis } from '#test/support/redis.js';
import { seedDeck, seedTenant, tenantBalance, topUp } from './support.js';

const T0 = Date.UTC(2026, 0, 15, 12);
const log = createLogger({ service: 'cdr-writer-test', level: 'silent' });
let db: TestDatabase;
let pool: Pool;
let env: Awaited<ReturnType<typeof createTestRedis>>;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, log });
  env = await createTestRedis();
});
afterAll(async () => {
  await env.cleanup();
  await pool.end();
  await db.drop();
});

function record(tenantId: string, callId: string, over: Partial<CallEndRecord> = {}): CallEndRecord {
  return {
    callId,
    tenantId,
    caller: '+4915112345678',
    destination: '+4930123456',
    direction: 'outbound',
    gatewayId: null,
    carrierId: null,
    startedAtMs: T0,
    ringAtMs: T0 + 1_000,
    answeredAtMs: T0 + 2_000,
    endedAtMs: T0 + 62_000,
    sipStatus: 200,
    sipReason: 'OK',
    disposition: 'answered',
    endReason: null,
    billableSec: 60,
    priceMinor: 3,
    costMinor: 1,
    currency: 'EUR',
    bundleUse: [],
    rating: { prefix: '49' },
    reserved: false,
    reconciled: false,
    ...over,
  };
}

describe('CdrWriter (real Redis and PostgreSQL)', () => {
  it('writes good records, dead-letters refused and undecodable ones, and replays harmlessly', async () => {
    const planId = await seedDeck(pool, 'price', [{ prefix: '49', rateMicrosPerMin: 30_000 }]);
    const t = await seedTenant(pool, planId);
    await topUp(pool, t, 100, T0);
    const queue = new CdrQueue(env.redis);
    const writer = new CdrWriter({ redis: env.redis, pool, store: new ReservationStore(env.redis), log, metrics: undefined, consumer: 'w1', batchSize: 100, blockMs: 1, keepFinishedMs: 1_000, clock: new SimulatedClock(T0), retryMs: 1 });
    await writer.ensureGroup();
    await queue.enqueue(record(t, 'good'));
    await queue.enqueue(record(t, 'no-partition', { startedAtMs: Date.UTC(2045, 0, 1), endedAtMs: Date.UTC(2045, 0, 1, 0, 1) }));
    await env.redis.xadd(raterKeys.cdrStream(), '*', 'r', '{"not":"a record"}');
    await queue.enqueue(record(t, 'busy', { answeredAtMs: null, disposition: 'busy', sipStatus: 486, billableSec: 0, priceMinor: 0, costMinor: 0 }));
    expect(await writer.drainAll()).toBe(4);

    const cdrs = await pool.query<{ call_id: string; price_minor: number }>('SELECT call_id, price_minor FROM cdrs WHERE tenant_id = $1 ORDER BY call_id', [t]);
    expect(cdrs.rows).toEqual([
      { call_id: 'busy', price_minor: 0 },
      { call_id: 'good', price_minor: 3 },
    ]);
    expect(await tenantBalance(pool, t)).toBe(97);
    expect(await env.redis.xlen(raterKeys.cdrDeadLetter())).toBe(2);
    expect(await env.redis.xlen(raterKeys.cdrStream())).toBe(0);

    // the same call queued again (a retry, or the reconciler racing a late end): nothing changes
    await queue.enqueue(record(t, 'good', { priceMinor: 5 }));
    await queue.enqueue(record(t, 'good', { priceMinor: 7 }));
    expect(await writer.drainAll()).toBe(2);
    expect((await pool.query('SELECT count(*)::int AS n FROM cdrs WHERE call_id = $1', ['good'])).rows[0]).toEqual({ n: 1 });
    expect(await tenantBalance(pool, t)).toBe(97);
  });

  it('writes a large batch by COPY exactly once (replayed and partly present batches add nothing), text escaped', async () => {
    const planId = await seedDeck(pool, 'price', [{ prefix: '49', rateMicrosPerMin: 30_000 }]);
    const t = await seedTenant(pool, planId);
    await topUp(pool, t, 10_000, T0);
    const queue = new CdrQueue(env.redis);
    const writer = new CdrWriter({ redis: env.redis, pool, store: new ReservationStore(env.redis), log, metrics: undefined, consumer: 'w2', batchSize: 500, blockMs: 1, keepFinishedMs: 1_000, clock: new SimulatedClock(T0), retryMs: 1 });
    await writer.ensureGroup();
    const batch = Array.from({ length: 2 * COPY_MIN_RECORDS }, (_, i) =>
      record(t, `copy-${i}`, i % 2 === 0 ? { sipReason: 'tab\there\nnew\\line', rating: { prefix: '49', note: 'a\tb' } } : { answeredAtMs: null, disposition: 'busy', sipStatus: 486, billableSec: 0, priceMinor: 0, costMinor: 0, ringAtMs: null }),
    );
    await queue.enqueueMany(batch.slice(0, 5)); // present before: the large batch skips them
    expect(await writer.drainAll()).toBe(5);
    await queue.enqueueMany(batch);
    expect(await writer.drainAll()).toBe(batch.length);
    await queue.enqueueMany(batch); // a replay after a crash before XACK
    expect(await writer.drainAll()).toBe(batch.length);

    const rows = await pool.query<{ n: number; price: number; pdd_null: number }>(
      'SELECT count(*)::int AS n, sum(price_minor)::int AS price, count(*) FILTER (WHERE pdd_ms IS NULL)::int AS pdd_null FROM cdrs WHERE tenant_id = $1',
      [t],
    );
    expect(rows.rows[0]).toEqual({ n: batch.length, price: 3 * COPY_MIN_RECORDS, pdd_null: COPY_MIN_RECORDS });
    const text = await pool.query<{ sip_reason: string; rating: unknown; pdd_ms: number; started_at: Date }>("SELECT sip_reason, rating, pdd_ms, started_at FROM cdrs WHERE call_id = 'copy-2'");
    expect(text.rows[0]).toEqual({ sip_reason: 'tab\there\nnew\\line', rating: { prefix: '49', note: 'a\tb' }, pdd_ms: 1_000, started_at: new Date(T0) });
    expect(await tenantBalance(pool, t)).toBe(10_000 - 3 * COPY_MIN_RECORDS);
    const debits = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger_transactions WHERE tenant_id = $1 AND kind = 'call_charge'", [t]);
    expect(debits.rows[0]?.n).toBe(COPY_MIN_RECORDS);
  });

  it('a COPY batch meeting CDRs already written without their debits (no ledger replay to see) falls back under its savepoint', async () => {
    const planId = await seedDeck(pool, 'price', [{ prefix: '49', rateMicrosPerMin: 30_000 }]);
    const t = await seedTenant(pool, planId);
    await topUp(pool, t, 10_000, T0);
    const queue = new CdrQueue(env.redis);
    const writer = new CdrWriter({ redis: env.redis, pool, store: new ReservationStore(env.redis), log, metrics: undefined, consumer: 'w3', batchSize: 500, blockMs: 1, keepFinishedMs: 1_000, clock: new SimulatedClock(T0), retryMs: 1 });
    await writer.ensureGroup();
    const busy = { answeredAtMs: null, disposition: 'busy', sipStatus: 486, billableSec: 0, priceMinor: 0, costMinor: 0 } as const;
    const batch = Array.from({ length: 2 * COPY_MIN_RECORDS }, (_, i) => record(t, `sp-${i}`, i % 2 === 0 ? {} : busy));
    // two unanswered calls are in already: the large batch's debits are all new, so it tries COPY first
    await queue.enqueueMany([batch[1]!, batch[3]!]);
    expect(await writer.drainAll()).toBe(2);
    await queue.enqueueMany(batch);
    expect(await writer.drainAll()).toBe(batch.length);
    const rows = await pool.query<{ n: number; calls: number }>('SELECT count(*)::int AS n, count(DISTINCT call_id)::int AS calls FROM cdrs WHERE tenant_id = $1', [t]);
    expect(rows.rows[0]).toEqual({ n: batch.length, calls: batch.length });
    // the debits written before the savepoint survived its rollback, once each
    const debits = await pool.query<{ n: number; entries: number }>(
      "SELECT count(DISTINCT x.id)::int AS n, count(e.id)::int AS entries FROM ledger_transactions x JOIN ledger_entries e ON e.transaction_id = x.id WHERE x.tenant_id = $1 AND x.kind = 'call_charge'",
      [t],
    );
    expect(debits.rows[0]).toEqual({ n: COPY_MIN_RECORDS, entries: 2 * COPY_MIN_RECORDS });
    expect(await tenantBalance(pool, t)).toBe(10_000 - 3 * COPY_MIN_RECORDS);
  });

  it('keeps the ledger rules per statement (0101): balances per account, tenant and currency checked, sums checked at commit', async () => {
    const planId = await seedDeck(pool, 'price', [{ prefix: '49', rateMicrosPerMin: 30_000 }]);
    const t = await seedTenant(pool, planId);
    const other = await seedTenant(pool, planId);
    await topUp(pool, t, 1_000, T0);
    const client = await pool.connect();
    const tx = async (key: string): Promise<string> =>
      (await client.query<{ id: string }>("INSERT INTO ledger_transactions (idempotency_key, kind, tenant_id, occurred_at) VALUES ($1, 'adjustment', $2, now()) RETURNING id", [key, t])).rows[0]?.id ?? '';
    try {
      // three entries on one account in one statement: one balance update of their sum
      await client.query('BEGIN');
      const id = await tx(`adj-${t}`);
      await client.query(
        `INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency)
         SELECT $1, a, amt, 'EUR' FROM (VALUES (ledger_account('tenant_cash', $2::uuid, 'EUR'), -10), (ledger_account('tenant_cash', $2::uuid, 'EUR'), -20),
                                              (ledger_account('tenant_cash', $2::uuid, 'EUR'), -30), (ledger_account('adjustments', NULL, 'EUR'), 60)) v(a, amt)`,
        [id, t],
      );
      await client.query('COMMIT');
      expect(await tenantBalance(pool, t)).toBe(940);
      const tenantOfEntries = await client.query<{ tenant_id: string | null }>('SELECT DISTINCT tenant_id FROM ledger_entries WHERE transaction_id = $1 ORDER BY tenant_id', [id]);
      expect(tenantOfEntries.rows.map((r) => r.tenant_id)).toEqual([t, null]);

      const refused = async (sql: string, params: unknown[], why: RegExp): Promise<void> => {
        await client.query('BEGIN');
        try {
          const txId = await tx(`bad-${String(params.length)}-${why.source}`);
          await expect((async () => {
            await client.query(sql, [txId, ...params]);
            await client.query('COMMIT');
          })()).rejects.toThrow(why);
        } finally {
          await client.query('ROLLBACK');
        }
      };
      await refused("INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency, tenant_id) VALUES ($1, ledger_account('tenant_cash', $2, 'EUR'), 5, 'EUR', $3), ($1, ledger_account('adjustments', NULL, 'EUR'), -5, 'EUR', NULL)", [t, other], /tenant/);
      await refused("INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency) VALUES ($1, ledger_account('tenant_cash', $2, 'EUR'), 5, 'USD'), ($1, ledger_account('adjustments', NULL, 'EUR'), -5, 'EUR')", [t], /currency/);
      await refused("INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency) VALUES ($1, ledger_account('tenant_cash', $2, 'EUR'), 5, 'EUR')", [t], /does not balance/);
      // 0103: the transaction must exist (checked per statement instead of a per-row foreign key)
      await refused("INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency) VALUES (md5($1::text)::uuid, ledger_account('tenant_cash', $2, 'EUR'), 5, 'EUR'), (md5($1::text)::uuid, ledger_account('adjustments', NULL, 'EUR'), -5, 'EUR')", [t], /does not exist/);
      expect(await tenantBalance(pool, t)).toBe(940);
      // balanced over two statements (as the control API writes a top-up): accepted at commit
      await client.query('BEGIN');
      const split = await tx(`split-${t}`);
      await client.query("INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency) VALUES ($1, ledger_account('tenant_cash', $2, 'EUR'), 25, 'EUR')", [split, t]);
      await client.query("INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency) VALUES ($1, ledger_account('adjustments', NULL, 'EUR'), -25, 'EUR')", [split]);
      await client.query('COMMIT');
      expect(await tenantBalance(pool, t)).toBe(965);
      // unbalanced over two statements: the second statement's own sum is not zero, refused at commit
      await client.query('BEGIN');
      try {
        const uneven = await tx(`uneven-${t}`);
        await client.query("INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency) VALUES ($1, ledger_account('tenant_cash', $2, 'EUR'), 5, 'EUR'), ($1, ledger_account('adjustments', NULL, 'EUR'), -5, 'EUR')", [uneven, t]);
        await client.query("INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency) VALUES ($1, ledger_account('adjustments', NULL, 'EUR'), -4, 'EUR')", [uneven]);
        await expect(client.query('COMMIT')).rejects.toThrow(/does not balance/);
      } finally {
        await client.query('ROLLBACK');
      }
      expect(await tenantBalance(pool, t)).toBe(965);
      expect((await client.query('SELECT count(*)::int AS n FROM ledger_balance_checks')).rows[0]).toEqual({ n: 0 });
    } finally {
      client.release();
    }
  });
});
