import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { createPool, type Pool } from '#lib/db/index.js';
import { createLogger } from '#lib/log/index.js';
import { CdrQueue, CdrWriter, type CallEndRecord } from '#billing-rater/cdr/index.js';
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
});
