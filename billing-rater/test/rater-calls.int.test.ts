import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { changeChannel, encodeChangeEvent } from '#lib/change-events/index.js';
import { createPool, type Pool } from '#lib/db/index.js';
import { createLogger } from '#lib/log/index.js';
import { RATER_CUT_CHANNEL, RaterClient, cutEventSchema, type AnswerRequest, type CutEvent, type EndRequest } from '#lib/rater-api/index.js';
import { startRaterService, type RaterService } from '#billing-rater/service.js';
import type { RaterConfig } from '#billing-rater/config.js';
import { raterKeys } from '#billing-rater/reservation/index.js';
import { createTestDatabase, type TestDatabase } from '#test/support/db.js';
import { inject } from 'vitest';
import { raterTestConfig, seedCarrier, seedDeck, seedTenant, tenantBalance, topUp } from './support.js';

const T0 = Date.UTC(2026, 0, 15, 12);
const log = createLogger({ service: 'rater-test', level: 'warn' });

let db: TestDatabase;
let pool: Pool;
let clock: SimulatedClock;
let rater: RaterService;
let config: RaterConfig;
let client: RaterClient;
let sub: Redis;
const cuts = new Map<string, CutEvent>();
let planId: string;
let carrier: { carrierId: string; gatewayId: string };

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, log });
  // 6 cent/min at 1/1 increments = 0.1 cent per second: ceil(sec / 10) cent
  planId = await seedDeck(pool, 'price', [
    { prefix: '49', rateMicrosPerMin: 60_000, initial: 1, subsequent: 1 },
    { prefix: '4930', rateMicrosPerMin: 120_000, connectFeeMicros: 50_000, initial: 30, subsequent: 6 },
    { prefix: '33', rateMicrosPerMin: 60_000, initial: 1, subsequent: 1 },
  ]);
  carrier = await seedCarrier(pool);
  await seedDeck(pool, 'cost', [{ prefix: '49', rateMicrosPerMin: 30_000, initial: 1, subsequent: 1 }], carrier.carrierId);
  await pool.query("INSERT INTO blocked_prefixes (tenant_id, prefix) VALUES (NULL, '33900')");
  clock = new SimulatedClock(T0);
  config = raterTestConfig(db.url, inject('redisUrl'), { RATER_INTERVAL_SEC: '60', RATER_EXTEND_LEAD_MS: '10000', RATER_RESERVATION_TTL_MS: '120000' });
  rater = await startRaterService(config, log, { clock });
  client = new RaterClient({ baseUrl: `http://127.0.0.1:${rater.api.port}`, maxSockets: 128, timeoutMs: 30_000 });
  sub = new Redis(inject('redisUrl'));
  await sub.subscribe(RATER_CUT_CHANNEL);
  sub.on('message', (_c: string, m: string) => {
    const e = cutEventSchema.parse(JSON.parse(m));
    cuts.set(e.callId, e);
  });
});

afterAll(async () => {
  client.close();
  sub.disconnect();
  await rater.shutdown.run('test done');
  await pool.end();
  await db.drop();
});

/** Advances the simulated clock one second at a time, letting the rater's extensions finish. */
async function advanceSec(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    clock.advance(1_000);
    await rater.calls.idle();
  }
  await sub.ping(); // every cut event published so far has been delivered to `sub`
}

function endOf(tenantId: string, callId: string, destination: string, answeredAtMs: number | null, endedAtMs: number): EndRequest {
  return {
    callId,
    tenantId,
    caller: '+4915112345678',
    destination,
    direction: 'outbound',
    gatewayId: carrier.gatewayId,
    carrierId: carrier.carrierId,
    startedAtMs: T0 - 3_000,
    ringAtMs: T0 - 2_000,
    answeredAtMs,
    endedAtMs,
    sipStatus: answeredAtMs === null ? 486 : 200,
    sipReason: answeredAtMs === null ? 'Busy Here' : 'OK',
    disposition: answeredAtMs === null ? 'busy' : 'answered',
    endReason: 'caller hung up',
  };
}

function answerOf(tenantId: string, callId: string, destination: string, answeredAtMs: number): AnswerRequest {
  const { endedAtMs: _e, sipStatus: _s, sipReason: _r, disposition: _d, endReason: _x, ...facts } = endOf(tenantId, callId, destination, answeredAtMs, 0);
  return { ...facts, tenantId, answeredAtMs };
}

async function waitForCdrs(tenantId: string, count: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const r = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cdrs WHERE tenant_id = $1', [tenantId]);
    if ((r.rows[0]?.n ?? 0) >= count) return;
    await new Promise((resolve) => setImmediate(resolve));
    await rater.writers[0]!.drainOnce(0);
  }
  throw new Error(`timed out waiting for ${count} CDRs`);
}

describe('rater: authorize, answer, end (real Redis + PostgreSQL, simulated clock)', () => {
  it('denies by reason: unknown tenant, suspended, blocked, no rate, no balance', async () => {
    const suspended = await seedTenant(pool, planId, { status: 'suspended' });
    const poor = await seedTenant(pool, planId);
    const base = { callId: randomUUID(), caller: '+4915112345678', direction: 'outbound' as const, atMs: clock.now() };
    expect(await client.authorize({ ...base, tenantId: randomUUID(), destination: '+4930123' })).toEqual({ allowed: false, reason: 'unknown_tenant' });
    expect(await client.authorize({ ...base, tenantId: suspended, destination: '+4930123' })).toEqual({ allowed: false, reason: 'suspended_tenant' });
    expect(await client.authorize({ ...base, tenantId: poor, destination: '+33900123' })).toEqual({ allowed: false, reason: 'blocked_destination' });
    expect(await client.authorize({ ...base, tenantId: poor, destination: '+1212555' })).toEqual({ allowed: false, reason: 'no_rate' });
    expect(await client.authorize({ ...base, tenantId: poor, destination: '+4989123' })).toEqual({ allowed: false, reason: 'no_balance' });
  });

  it('reloads the balance mirror when Redis lost it', async () => {
    const t = await seedTenant(pool, planId);
    await topUp(pool, t, 777, T0);
    const a = { caller: '+4915112345678', direction: 'outbound' as const, atMs: clock.now(), tenantId: t, destination: '+4989123' };
    expect(await client.authorize({ ...a, callId: 'mirror-1' })).toMatchObject({ allowed: true, availableMinor: 777 });
    const raw = new Redis(inject('redisUrl'), { keyPrefix: config.RATER_REDIS_PREFIX });
    try {
      expect(await raw.del(raterKeys.balance(t))).toBe(1);
    } finally {
      raw.disconnect();
    }
    expect(await client.authorize({ ...a, callId: 'mirror-2' })).toMatchObject({ allowed: true, availableMinor: 777 });
  });

  it('picks up a top-up whose change event was missed at the next periodic refresh', async () => {
    const t = await seedTenant(pool, planId);
    await topUp(pool, t, 100, T0);
    const a = { caller: '+4915112345678', direction: 'outbound' as const, tenantId: t, destination: '+4989123' };
    expect(await client.authorize({ ...a, callId: 'missed-1', atMs: clock.now() })).toMatchObject({ availableMinor: 100 });
    await topUp(pool, t, 50, T0); // no change event published
    expect(await client.authorize({ ...a, callId: 'missed-2', atMs: clock.now() })).toMatchObject({ availableMinor: 100 });
    await advanceSec(60);
    for (let i = 0; i < 100 && (await rater.store.balance(t))?.balanceMinor !== 150; i++) await advanceSec(1);
    expect(await client.authorize({ ...a, callId: 'missed-3', atMs: clock.now() })).toMatchObject({ availableMinor: 150 });
  });

  it('enforces the concurrent-call limit', async () => {
    const t = await seedTenant(pool, planId, { maxConcurrentCalls: 1 });
    await topUp(pool, t, 1_000, T0);
    const a = { caller: '+4915112345678', direction: 'outbound' as const, atMs: clock.now(), tenantId: t, destination: '+4989123' };
    expect((await client.authorize({ ...a, callId: 'lim-1' })).allowed).toBe(true);
    expect(await client.authorize({ ...a, callId: 'lim-2' })).toEqual({ allowed: false, reason: 'limit_reached' });
    await client.end(endOf(t, 'lim-1', '+4989123', null, clock.now()));
    expect((await client.authorize({ ...a, callId: 'lim-2' })).allowed).toBe(true);
  });

  it('rebuilds a price plan on a change event and swaps it in', async () => {
    const planB = await seedDeck(pool, 'price', [{ prefix: '33', rateMicrosPerMin: 60_000, initial: 1, subsequent: 1 }]);
    const t = await seedTenant(pool, planB);
    await topUp(pool, t, 100, T0);
    const ask = async () => client.authorize({ callId: randomUUID(), tenantId: t, caller: '+4915112345678', destination: '+33123456', direction: 'outbound', atMs: clock.now() });
    expect(await ask()).toMatchObject({ allowed: true, price: { prefix: '33', rateMicrosPerMin: 60_000 } });
    // the control plane imports a new version of the plan and announces it
    const v = await pool.query<{ id: string }>('INSERT INTO rate_deck_versions (deck_id, row_count) VALUES ($1, 1) RETURNING id', [planB]);
    const versionId = v.rows[0]!.id;
    await pool.query("INSERT INTO rate_deck_rows (version_id, prefix, rate_micros_per_min, initial_increment_sec, subsequent_increment_sec, effective_from, currency) VALUES ($1, '331', 90000, 1, 1, 'epoch', 'EUR')", [versionId]);
    await pool.query('UPDATE rate_decks SET current_version_id = $1 WHERE id = $2', [versionId, planB]);
    const pub = new Redis(inject('redisUrl'));
    try {
      await pub.publish(changeChannel('rate_deck'), encodeChangeEvent({ v: 1, entity: 'rate_deck', op: 'updated', id: planB, tenantId: null, at: clock.now() }));
    } finally {
      pub.disconnect();
    }
    let seen: unknown;
    for (let i = 0; i < 200 && !(seen && (seen as { price?: { prefix: string } }).price?.prefix === '331'); i++) {
      seen = await ask(); // lookups keep answering from the old index while the new one is built
      expect((seen as { allowed: boolean }).allowed).toBe(true);
    }
    expect(seen).toMatchObject({ price: { prefix: '331', rateMicrosPerMin: 90_000 } });
  });

  it('rates one call with connect fee and 30/6 increments, writes CDR and debit once', async () => {
    const t = await seedTenant(pool, planId);
    await topUp(pool, t, 500, T0);
    const auth = await client.authorize({ callId: 'one', tenantId: t, caller: '+4915112345678', destination: '+4930555', direction: 'outbound', atMs: clock.now() });
    expect(auth).toMatchObject({ allowed: true, price: { prefix: '4930', rateMicrosPerMin: 120_000, connectFeeMicros: 50_000, initialIncrementSec: 30, subsequentIncrementSec: 6 } });
    const answeredAtMs = clock.now();
    const ans = await client.answer(answerOf(t, 'one', '+4930555', answeredAtMs));
    expect(ans).toMatchObject({ ok: true, cutAtMs: null });
    await advanceSec(37);
    // the switch sends its end twice at once and once more later: still one CDR and one debit
    await Promise.all([client.end(endOf(t, 'one', '+4930555', answeredAtMs, clock.now())), client.end(endOf(t, 'one', '+4930555', answeredAtMs, clock.now()))]);
    await client.end(endOf(t, 'one', '+4930555', answeredAtMs, clock.now()));
    await waitForCdrs(t, 1);
    // 37 s at 30/6 → 42 s; 42 × 2,000 micros/s = 84,000 + 50,000 fee = 134,000 micros = 13.4 → 14 cent
    const cdr = await pool.query('SELECT billable_sec, price_minor, cost_minor, margin_minor, disposition, rating FROM cdrs WHERE call_id = $1', ['one']);
    expect(cdr.rows).toHaveLength(1);
    expect(cdr.rows[0]).toMatchObject({ billable_sec: 42, price_minor: 14, disposition: 'answered' });
    // carrier: 37 s at 1/1, 500 micros/s = 18,500 micros → 2 cent
    expect(cdr.rows[0]).toMatchObject({ cost_minor: 2, margin_minor: 12 });
    expect(await tenantBalance(pool, t)).toBe(486);
    const mirror = await rater.store.balance(t);
    expect(mirror).toMatchObject({ balanceMinor: 486, reservedMinor: 0 });
  });

  it('1,000 simultaneous calls on a balance for far fewer minutes: no overspend, cut at the right second', async () => {
    const t = await seedTenant(pool, planId);
    const initial = 2_995; // 499 one-minute reservations (6 cent) + 1 cent = 10 s more
    await topUp(pool, t, initial, T0);
    const startMs = clock.now();
    const ids = Array.from({ length: 1_000 }, (_, i) => `conc-${i}`);
    const auths = await Promise.all(ids.map((callId) => client.authorize({ callId, tenantId: t, caller: '+4915112345678', destination: '+4989123456', direction: 'outbound', atMs: startMs })));
    expect(auths.every((a) => a.allowed)).toBe(true);
    const answers = await Promise.all(ids.map((callId) => client.answer(answerOf(t, callId, '+4989123456', startMs))));
    const live = ids.filter((_, i) => answers[i]!.ok);
    expect(live.length).toBe(500);
    expect(answers.flatMap((a) => (a.ok ? [] : [a.reason])).every((reason) => reason === 'no_balance')).toBe(true);
    expect((await rater.store.balance(t))!.availableMinor).toBe(0);

    // A third of the live calls hang up on their own between 5 s and 44 s, freeing money for others.
    const ended = new Set<string>();
    const endAt = new Map<string, number>();
    live.forEach((id, i) => {
      if (i % 3 === 0) endAt.set(id, startMs + (5 + (i % 40)) * 1_000);
    });
    let minAvailable = Number.POSITIVE_INFINITY;
    for (let sec = 1; sec <= 400; sec++) {
      await advanceSec(1);
      const now = clock.now();
      for (const [id, e] of cuts) if (e.tenantId === t && !endAt.has(id)) endAt.set(id, e.cutAtMs);
      for (const [id, ans] of live.map((id) => [id, answers[ids.indexOf(id)]!] as const)) {
        if (ans.ok && ans.cutAtMs !== null && !endAt.has(id)) endAt.set(id, ans.cutAtMs);
      }
      const due = [...endAt].filter(([id, at]) => at <= now && !ended.has(id));
      await Promise.all(due.map(([id, at]) => client.end(endOf(t, id, '+4989123456', startMs, at))));
      for (const [id] of due) ended.add(id);
      minAvailable = Math.min(minAvailable, (await rater.store.balance(t))!.availableMinor);
      if (ended.size === live.length) break;
    }
    expect(ended.size).toBe(live.length);
    expect(minAvailable).toBeGreaterThanOrEqual(0);
    await waitForCdrs(t, live.length);

    const rows = (await pool.query<{ call_id: string; billable_sec: number; price_minor: number; end_at: Date }>(
      'SELECT call_id, billable_sec, price_minor, end_at FROM cdrs WHERE tenant_id = $1', [t])).rows;
    expect(rows).toHaveLength(live.length);
    const debits = (await pool.query<{ s: number }>(
      `SELECT coalesce(-sum(e.amount_minor), 0)::bigint AS s FROM ledger_entries e JOIN ledger_transactions x ON x.id = e.transaction_id
        WHERE x.tenant_id = $1 AND x.kind = 'call_charge' AND e.tenant_id = $1`, [t])).rows[0]!.s;
    const sumCdr = rows.reduce((n, r) => n + r.price_minor, 0);
    expect(debits).toBe(sumCdr);
    expect(debits).toBeLessThanOrEqual(initial);
    const balance = await tenantBalance(pool, t);
    expect(balance).toBe(initial - debits);
    expect(balance).toBeGreaterThanOrEqual(0);
    // every call the rater cut was billed exactly to its cut second (±1 s), at ceil(sec / 10) cent
    const cutCalls = [...cuts.values()].filter((e) => e.tenantId === t);
    expect(cutCalls.length).toBeGreaterThan(0);
    for (const e of cutCalls) {
      const row = rows.find((r) => r.call_id === e.callId)!;
      expect(Math.abs(row.billable_sec - (e.cutAtMs - startMs) / 1_000)).toBeLessThanOrEqual(1);
      expect(row.price_minor).toBe(Math.ceil(row.billable_sec / 10));
    }
    const mirror = await rater.store.balance(t);
    expect(mirror).toMatchObject({ balanceMinor: balance, reservedMinor: 0 });
  });
});
