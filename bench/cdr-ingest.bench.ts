// bench:cdr-ingest — sustained CDR ingest into PostgreSQL through the durable queue: records are put
// on the Redis stream while the CdrWriter drains it in batches (one transaction per batch: the
// debits of answered calls and every CDR). Last line: `cdr_per_s=N` (records committed per second).
import { randomUUID } from 'node:crypto';
import { SystemClock } from '#lib/clock/index.js';
import { createPool } from '#lib/db/index.js';
import { createLogger } from '#lib/log/index.js';
import { createRedis } from '#lib/redis/index.js';
import { CdrQueue, CdrWriter, type CallEndRecord } from '#billing-rater/cdr/index.js';
import { ReservationStore } from '#billing-rater/reservation/index.js';
import { startBenchStack } from '#billing-rater/test/bench-stack.js';
import { seedDeck, seedTenant, topUp } from '#billing-rater/test/support.js';

const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 200_000);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 2_000);
const WRITERS = Number(process.env['BENCH_WRITERS'] ?? 2);
const TENANTS = 50;
const log = createLogger({ service: 'bench-cdr-ingest', level: 'warn' });
const clock = new SystemClock();

const stack = await startBenchStack(process.env, log);
const pool = createPool({ url: stack.pgUrl, log, max: 8 });
const prefix = `bench:${randomUUID()}:`;
const redis = createRedis({ url: stack.redisUrl, log, keyPrefix: prefix });
const streamRedis = Array.from({ length: WRITERS }, () => createRedis({ url: stack.redisUrl, log, keyPrefix: prefix }));
try {
  const planId = await seedDeck(pool, 'price', [{ prefix: '49', rateMicrosPerMin: 60_000 }]);
  const tenants: string[] = [];
  for (let i = 0; i < TENANTS; i++) {
    const t = await seedTenant(pool, planId);
    await topUp(pool, t, 1_000_000_000, clock.now());
    tenants.push(t);
  }
  const queue = new CdrQueue(redis);
  const store = new ReservationStore(redis);
  const writers = streamRedis.map((conn, n) => new CdrWriter({ redis: conn, pool, store, log, metrics: undefined, consumer: `bench-${n}`, batchSize: BATCH, blockMs: 50, keepFinishedMs: 60_000, clock, retryMs: 100 }));
  for (const w of writers.slice(0, 1)) await w.ensureGroup();

  const now = clock.now();
  const record = (i: number): CallEndRecord => {
    const answered = i % Number(process.env["BENCH_ANSWER_EVERY"] ?? 2) === 0;
    const sec = 1 + (i % 300);
    return {
      callId: `bench-${i}-${randomUUID()}`,
      tenantId: tenants[i % TENANTS] ?? '',
      caller: '+4915112345678',
      destination: `+4930${String(1_000_000 + i)}`,
      direction: 'outbound',
      gatewayId: null,
      carrierId: null,
      startedAtMs: now - 60_000,
      ringAtMs: now - 58_000,
      answeredAtMs: answered ? now - 55_000 : null,
      endedAtMs: now,
      sipStatus: answered ? 200 : 486,
      sipReason: answered ? 'OK' : 'Busy Here',
      disposition: answered ? 'answered' : 'busy',
      endReason: 'bench',
      billableSec: answered ? sec : 0,
      priceMinor: answered ? Math.ceil(sec / 10) : 0,
      costMinor: answered ? Math.ceil(sec / 20) : 0,
      currency: 'EUR',
      bundleUse: [],
      rating: answered ? { prefix: '49', planId, rateMicrosPerMin: 60_000 } : {},
      reserved: false,
      reconciled: false,
    };
  };

  // producer: enqueue in chunks while the writer drains concurrently
  const t0 = clock.monotonic();
  let produced = 0;
  const producer = (async () => {
    while (produced < RECORDS) {
      const n = Math.min(5_000, RECORDS - produced);
      await queue.enqueueMany(Array.from({ length: n }, (_, k) => record(produced + k)));
      produced += n;
    }
  })();
  let written = 0;
  await Promise.all(
    writers.map(async (w) => {
      for (let guard = 0; guard < 100_000 && written < RECORDS; guard++) {
        const n = await w.drainOnce(50);
        written += n;
      }
    }),
  );
  await producer;
  const elapsedS = (clock.monotonic() - t0) / 1000;
  const count = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cdrs')).rows[0]?.n ?? 0;
  const debits = (await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger_transactions WHERE kind = 'call_charge'")).rows[0]?.n ?? 0;
  process.stdout.write(`bench=cdr_ingest records=${RECORDS} batch=${BATCH} cdr_rows=${count} debit_transactions=${debits} elapsed_s=${elapsedS.toFixed(2)} node=${process.version}\n`);
  process.stdout.write(`cdr_per_s=${Math.round(written / elapsedS)}\n`);
} finally {
  redis.disconnect();
  for (const c of streamRedis) c.disconnect();
  await pool.end();
  await stack.stop();
}
