// kill -9 the rater process while it holds live reservations, restart it, and check that every
// call ends with exactly one CDR and that the ledger equals the CDRs' charges.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SystemClock } from '#lib/clock/index.js';
import { createPool, type Pool } from '#lib/db/index.js';
import { freePort, projectRoot } from '#lib/local-stack/index.js';
import { createLogger } from '#lib/log/index.js';
import { RaterClient, type EndRequest } from '#lib/rater-api/index.js';
import { ReservationStore } from '#billing-rater/reservation/index.js';
import { createTestDatabase, type TestDatabase } from '#test/support/db.js';
import { Redis } from 'ioredis';
import { seedDeck, seedTenant, tenantBalance, topUp } from './support.js';

const log = createLogger({ service: 'rater-crash-test', level: 'warn' });
const clock = new SystemClock();
const root = projectRoot(import.meta.url);
let db: TestDatabase;
let pool: Pool;
let redis: Redis;
const prefix = `test:${randomUUID()}:`;
let apiPort: number;
let child: ChildProcess | undefined;

function startRater(): ChildProcess {
  const env = {
    PATH: process.env['PATH'] ?? '',
    PG_URL: db.url,
    REDIS_URL: inject('redisUrl'),
    RATER_HTTP_PORT: '0',
    RATER_API_PORT: String(apiPort),
    RATER_REDIS_PREFIX: prefix,
    RATER_INSTANCE_ID: 'crash-owner',
    RATER_INTERVAL_SEC: '2',
    RATER_EXTEND_LEAD_MS: '1000',
    RATER_RESERVATION_TTL_MS: '3000',
    RATER_RECONCILE_EVERY_MS: '300',
    LOG_LEVEL: 'warn',
  };
  const c = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', 'billing-rater/main.ts'], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  c.stderr.on('data', (d: Buffer) => log.warn({ stderr: d.toString() }, 'rater child stderr'));
  return c;
}

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = clock.now() + timeoutMs;
  while (clock.now() < until) {
    if (await cond().catch(() => false)) return;
    await new Promise<void>((resolve) => clock.setTimer(100, resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, log });
  redis = new Redis(inject('redisUrl'), { keyPrefix: prefix });
  apiPort = await freePort();
});

afterAll(async () => {
  child?.kill('SIGKILL');
  redis.disconnect();
  await pool.end();
  await db.drop();
});

describe('rater crash recovery', () => {
  it('kill -9 with live reservations → restart → one CDR per call, ledger = Σ CDR charges', async () => {
    const planId = await seedDeck(pool, 'price', [{ prefix: '49', rateMicrosPerMin: 60_000, initial: 1, subsequent: 1 }]);
    const t = await seedTenant(pool, planId);
    const initial = 10_000;
    await topUp(pool, t, initial, clock.now());
    child = startRater();
    const client = new RaterClient({ baseUrl: `http://127.0.0.1:${apiPort}`, timeoutMs: 5_000 });
    await waitFor('rater API', async () => (await client.authorize({ callId: 'probe', tenantId: t, caller: '1', destination: '+491', direction: 'outbound', atMs: clock.now() })).allowed);

    const calls = Array.from({ length: 20 }, (_, i) => `crash-${i}`);
    const answeredAtMs = clock.now();
    const facts = (callId: string) => ({ callId, tenantId: t, caller: '+4915112345678', destination: '+4989123456', direction: 'outbound' as const, gatewayId: null, carrierId: null, startedAtMs: answeredAtMs - 2_000 });
    for (const callId of calls) {
      expect((await client.authorize({ callId, tenantId: t, caller: '+4915112345678', destination: '+4989123456', direction: 'outbound', atMs: answeredAtMs })).allowed).toBe(true);
      expect((await client.answer({ ...facts(callId), ringAtMs: answeredAtMs - 1_000, answeredAtMs })).ok).toBe(true);
    }
    // five calls end normally; the other fifteen are live when the process dies
    const end = (callId: string): EndRequest => ({ ...facts(callId), ringAtMs: answeredAtMs - 1_000, answeredAtMs, endedAtMs: clock.now(), sipStatus: 200, sipReason: 'OK', disposition: 'answered', endReason: 'caller hung up' });
    await new Promise<void>((resolve) => clock.setTimer(1_500, resolve)); // at least one extension
    for (const callId of calls.slice(0, 5)) await client.end(end(callId));
    const store = new ReservationStore(redis);
    expect((await store.balance(t))!.reservedMinor).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await new Promise<void>((resolve) => child!.once('exit', () => resolve()));
    client.close();
    // what the dead process had reserved per live call: the reconciler bills through its end
    const covered = new Map<string, number>();
    for (const callId of calls.slice(5)) covered.set(callId, (await store.get(t, callId))!.coveredSec);

    child = startRater();
    await waitFor('20 CDRs', async () => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cdrs WHERE tenant_id = $1', [t])).rows[0]!.n >= 20);
    await waitFor('reservations released', async () => (await store.balance(t))!.reservedMinor === 0);

    const cdrs = (await pool.query<{ call_id: string; price_minor: number; reconciled: boolean; billable_sec: number; end_at: Date; answer_at: Date }>(
      'SELECT call_id, price_minor, reconciled, billable_sec, end_at, answer_at FROM cdrs WHERE tenant_id = $1', [t])).rows;
    expect(cdrs.map((c) => c.call_id).sort()).toEqual([...calls].sort());
    const reconciled = cdrs.filter((c) => c.reconciled);
    expect(reconciled).toHaveLength(15);
    for (const c of reconciled) {
      // 1/1 increments: billed exactly the reserved seconds, ending where they end
      expect(c.billable_sec).toBe(covered.get(c.call_id));
      expect(c.end_at.getTime() - c.answer_at.getTime()).toBe(c.billable_sec * 1000);
    }
    const debits = (await pool.query<{ s: number; n: number }>(
      `SELECT coalesce(-sum(e.amount_minor), 0)::bigint AS s, count(DISTINCT x.id)::int AS n FROM ledger_transactions x JOIN ledger_entries e ON e.transaction_id = x.id
        WHERE x.tenant_id = $1 AND x.kind = 'call_charge' AND e.tenant_id = $1`, [t])).rows[0]!;
    const sumCdr = cdrs.reduce((n, c) => n + c.price_minor, 0);
    expect(debits.s).toBe(sumCdr);
    expect(debits.n).toBe(cdrs.filter((c) => c.price_minor > 0).length);
    expect(await tenantBalance(pool, t)).toBe(initial - sumCdr);
    const platform = (await pool.query<{ s: number }>(
      "SELECT coalesce(sum(e.amount_minor), 0)::bigint AS s FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE a.code = 'revenue_calls'")).rows[0]!.s;
    expect(platform).toBe(sumCdr); // no money lost or created
    expect(await store.balance(t)).toMatchObject({ balanceMinor: initial - sumCdr, reservedMinor: 0 });
  });
});
