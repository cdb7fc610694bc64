// SMS money through the rater's API against real Redis and PostgreSQL: holds share the balance
// mirror with live call reservations, settles charge once, lapsed holds free their money.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { changeChannel, encodeChangeEvent, type ChangeEntity } from '#lib/change-events/index.js';
import { SimulatedClock } from '#lib/clock/index.js';
import { createPool, type Pool } from '#lib/db/index.js';
import { createLogger } from '#lib/log/index.js';
import { RaterClient, type AnswerRequest } from '#lib/rater-api/index.js';
import { startRaterService, type RaterService } from '#billing-rater/service.js';
import { raterTestConfig, seedDeck, seedTenant, tenantBalance, topUp } from '#billing-rater/test/support.js';
import { createTestDatabase, type TestDatabase } from '#test/support/db.js';
import { commitSmsCharge } from './commit-sms.js';
import { smsChargeKey } from './sms-keys.js';

const T0 = Date.UTC(2026, 0, 20, 9);
const SMS_PRICE = 7;
const HOLD_TTL_MS = 300_000;
const log = createLogger({ service: 'sms-money-test', level: 'warn' });

let db: TestDatabase;
let pool: Pool;
let clock: SimulatedClock;
let rater: RaterService;
let client: RaterClient;
let planId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, log });
  // 1.20 EUR a minute, 60/60: the first call interval holds 120 cent.
  planId = await seedDeck(pool, 'price', [{ prefix: '44', rateMicrosPerMin: 1_200_000, initial: 60, subsequent: 60 }]);
  await pool.query('UPDATE rate_decks SET sms_price_minor = $1 WHERE id = $2', [SMS_PRICE, planId]);
  await pool.query("INSERT INTO blocked_prefixes (tenant_id, prefix) VALUES (NULL, '44909')");
  clock = new SimulatedClock(T0);
  rater = await startRaterService(raterTestConfig(db.url, inject('redisUrl'), { RATER_SMS_HOLD_TTL_MS: String(HOLD_TTL_MS) }), log, { clock });
  client = new RaterClient({ baseUrl: `http://127.0.0.1:${rater.api.port}`, maxSockets: 256, timeoutMs: 30_000 });
});

afterAll(async () => {
  client.close();
  await rater.shutdown.run('test done');
  await pool.end();
  await db.drop();
});

/** A tenant with `balance` on its cash account and `credit` as credit limit. */
async function tenantWith(balance: number, credit = 0): Promise<string> {
  const t = await seedTenant(pool, planId);
  await pool.query('UPDATE tenants SET credit_limit_minor = $1 WHERE id = $2', [credit, t]);
  await topUp(pool, t, balance, T0 - 60_000);
  return t;
}

const sms = (tenantId: string, messageId = randomUUID(), destination = '+442079460000') => ({ messageId, tenantId, destination, atMs: clock.now() });

async function mirror(tenantId: string): Promise<{ availableMinor: number; reservedMinor: number; balanceMinor: number }> {
  const b = await rater.store.balance(tenantId);
  if (!b) throw new Error('no balance mirror');
  return b;
}

async function smsLedger(tenantId: string): Promise<{ n: number; cash: number; revenue: number }> {
  const r = await pool.query<{ n: number; cash: number | null; revenue: number | null }>(
    `SELECT count(DISTINCT t.id)::int AS n,
            sum(e.amount_minor) FILTER (WHERE a.code = 'tenant_cash')::int AS cash,
            sum(e.amount_minor) FILTER (WHERE a.code = 'revenue_sms')::int AS revenue
       FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id LEFT JOIN ledger_accounts a ON a.id = e.account_id
      WHERE t.kind = 'sms_charge' AND t.tenant_id = $1`,
    [tenantId],
  );
  const row = r.rows[0];
  return { n: row?.n ?? 0, cash: row?.cash ?? 0, revenue: row?.revenue ?? 0 };
}

function answerOf(tenantId: string, callId: string): AnswerRequest {
  return { callId, tenantId, caller: '+4915112345678', destination: '+442079461111', direction: 'outbound', gatewayId: null, carrierId: null, startedAtMs: clock.now() - 2_000, ringAtMs: null, answeredAtMs: clock.now() };
}

describe('SMS money at the rater (real Redis + PostgreSQL)', () => {
  it('200 simultaneous SMS beside a live call: only what balance + credit − the call hold pays is allowed, each charged once', async () => {
    // 100 cent of money plus 900 of credit; the live call holds 120, leaving 880 for 125 messages of 7.
    const t = await tenantWith(100, 900);
    const call = await client.answer(answerOf(t, `call-${randomUUID()}`));
    expect(call.ok).toBe(true);
    expect(await mirror(t)).toMatchObject({ availableMinor: 880, reservedMinor: 120 });
    const requests = Array.from({ length: 200 }, () => sms(t));
    const answers = await Promise.all(requests.map((r) => client.authorizeMessage(r)));
    const allowed = requests.filter((_, i) => answers[i]?.allowed);
    expect(allowed).toHaveLength(Math.floor(880 / SMS_PRICE));
    expect(new Set(answers.map((a) => (a.allowed ? `held ${a.priceMinor} ${a.bundleId}` : a.reason)))).toEqual(new Set([`held ${SMS_PRICE} null`, 'no_balance']));
    const held = await mirror(t);
    expect(held.reservedMinor).toBe(120 + allowed.length * SMS_PRICE);
    expect(held.availableMinor).toBeGreaterThanOrEqual(0);

    // Each allowed message settled twice at once: one debit each.
    const settles = await Promise.all(allowed.flatMap((r) => [0, 1].map(() => client.settleMessage({ messageId: r.messageId, tenantId: t, outcome: 'sent', atMs: clock.now() }))));
    expect(settles.every((s) => s.state === 'committed' && s.priceMinor === SMS_PRICE)).toBe(true);
    const debits = allowed.length * SMS_PRICE;
    expect(debits).toBeLessThanOrEqual(100 + 900 - 120);
    expect(await smsLedger(t)).toEqual({ n: allowed.length, cash: -debits, revenue: debits });
    const balance = await tenantBalance(pool, t);
    expect(balance).toBe(100 - debits);
    expect(balance).toBeGreaterThanOrEqual(-900);
    // The mirror now holds only the call, at the post-debit ledger figure.
    expect(await mirror(t)).toMatchObject({ balanceMinor: 1_000 - debits, reservedMinor: 120, availableMinor: 1_000 - debits - 120 });
    expect(await client.authorizeMessage(sms(t))).toEqual({ allowed: false, reason: 'no_balance' });
  });

  it('settles idempotently: a repeated settle or authorize of a charged message never charges again', async () => {
    const t = await tenantWith(50);
    const r = sms(t);
    expect(await client.authorizeMessage(r)).toMatchObject({ allowed: true, priceMinor: SMS_PRICE });
    const first = await client.settleMessage({ messageId: r.messageId, tenantId: t, outcome: 'sent', atMs: clock.now() });
    expect(first).toEqual({ state: 'committed', priceMinor: SMS_PRICE, currency: 'EUR', bundleId: null, ledgerKey: smsChargeKey(t, r.messageId) });
    expect(await client.settleMessage({ messageId: r.messageId, tenantId: t, outcome: 'sent', atMs: clock.now() })).toEqual(first);
    // A retransmitted MESSAGE: the same hold comes back, nothing new is held or charged.
    expect(await client.authorizeMessage(r)).toMatchObject({ allowed: true, priceMinor: SMS_PRICE });
    expect((await mirror(t)).reservedMinor).toBe(0);
    expect(await client.settleMessage({ messageId: r.messageId, tenantId: t, outcome: 'sent', atMs: clock.now() })).toEqual(first);
    expect(await smsLedger(t)).toEqual({ n: 1, cash: -SMS_PRICE, revenue: SMS_PRICE });
    expect(await tenantBalance(pool, t)).toBe(50 - SMS_PRICE);
  });

  it('releases a failed message and, after the TTL, a hold nobody settled (crashed switch)', async () => {
    const t = await tenantWith(10);
    const failed = sms(t);
    await client.authorizeMessage(failed);
    expect(await client.settleMessage({ messageId: failed.messageId, tenantId: t, outcome: 'failed', atMs: clock.now() })).toMatchObject({ state: 'released', priceMinor: 0, ledgerKey: null });
    expect((await mirror(t)).availableMinor).toBe(10);

    const orphan = sms(t);
    expect(await client.authorizeMessage(orphan)).toMatchObject({ allowed: true, holdExpiresAtMs: clock.now() + HOLD_TTL_MS });
    expect(await client.authorizeMessage(sms(t))).toEqual({ allowed: false, reason: 'no_balance' }); // 3 left
    clock.advance(HOLD_TTL_MS - 1);
    await rater.smsSweeper.runOnce();
    expect((await mirror(t)).availableMinor).toBe(3);
    clock.advance(1);
    await rater.smsSweeper.runOnce();
    expect(await mirror(t)).toMatchObject({ availableMinor: 10, reservedMinor: 0 });
    // The switch comes back late: nothing is charged for a lapsed hold.
    expect(await client.settleMessage({ messageId: orphan.messageId, tenantId: t, outcome: 'sent', atMs: clock.now() })).toMatchObject({ state: 'expired', priceMinor: 0 });
    expect(await smsLedger(t)).toEqual({ n: 0, cash: 0, revenue: 0 });
    expect(await client.authorizeMessage(sms(t))).toMatchObject({ allowed: true });
  });

  it('a settle that died after its claim: committed by the sweeper when the debit reached the ledger, else expired', async () => {
    const t = await tenantWith(20);
    const [paid, unpaid] = [sms(t), sms(t)];
    await client.authorizeMessage(paid);
    await client.authorizeMessage(unpaid);
    expect(await rater.smsHolds.claim(t, paid.messageId, clock.now(), 60_000)).toMatchObject({ ok: true, committed: false, moneyMinor: SMS_PRICE });
    expect(await rater.smsHolds.claim(t, unpaid.messageId, clock.now(), 60_000)).toMatchObject({ ok: true, committed: false });
    // `paid` dies after its debit committed, `unpaid` before writing anything.
    await commitSmsCharge(pool, { tenantId: t, messageId: paid.messageId, ledgerKey: smsChargeKey(t, paid.messageId), moneyMinor: SMS_PRICE, currency: 'EUR', bundleId: null, destination: paid.destination, occurredAtMs: clock.now() });
    expect(await mirror(t)).toMatchObject({ balanceMinor: 20, reservedMinor: 2 * SMS_PRICE });
    clock.advance(60_000);
    await rater.smsSweeper.runOnce();
    expect((await rater.smsHolds.get(t, paid.messageId))?.state).toBe('committed');
    expect((await rater.smsHolds.get(t, unpaid.messageId))?.state).toBe('expired');
    expect(await mirror(t)).toMatchObject({ balanceMinor: 20 - SMS_PRICE, reservedMinor: 0 });
    expect(await client.settleMessage({ messageId: paid.messageId, tenantId: t, outcome: 'sent', atMs: clock.now() })).toMatchObject({ state: 'committed', priceMinor: SMS_PRICE });
    expect(await smsLedger(t)).toEqual({ n: 1, cash: -SMS_PRICE, revenue: SMS_PRICE });
  });

  it('takes SMS bundle messages first (soonest expiry), then money; a failed bundle message comes back', async () => {
    const t = await tenantWith(100);
    const bundle = async (messages: number, expiresInDays: number) =>
      (
        await pool.query<{ id: string }>(
          `INSERT INTO sms_bundles (tenant_id, prefixes, messages_granted, messages_remaining, credited_at, expires_at)
           VALUES ($1, '{4420}', $2, $2, $3, $4) RETURNING id`,
          [t, messages, new Date(T0 - 86_400_000), new Date(T0 + expiresInDays * 86_400_000)],
        )
      ).rows[0]!.id;
    const later = await bundle(5, 30);
    const sooner = await bundle(1, 10);
    const elsewhere = sms(t, randomUUID(), '+33612345678'); // not covered: money
    const a = sms(t);
    const b = sms(t);
    const c = sms(t);
    expect(await client.authorizeMessage(a)).toMatchObject({ allowed: true, priceMinor: 0, bundleId: sooner });
    expect(await client.authorizeMessage(b)).toMatchObject({ allowed: true, priceMinor: 0, bundleId: later });
    expect(await client.settleMessage({ messageId: b.messageId, tenantId: t, outcome: 'failed', atMs: clock.now() })).toMatchObject({ state: 'released' });
    expect(await client.authorizeMessage(c)).toMatchObject({ allowed: true, priceMinor: 0, bundleId: later });
    expect(await client.authorizeMessage(elsewhere)).toMatchObject({ allowed: true, priceMinor: SMS_PRICE, bundleId: null });
    await Promise.all([a, c, elsewhere].map((m) => client.settleMessage({ messageId: m.messageId, tenantId: t, outcome: 'sent', atMs: clock.now() })));
    const left = await pool.query<{ id: string; messages_remaining: number }>('SELECT id, messages_remaining FROM sms_bundles WHERE tenant_id = $1', [t]);
    expect(new Map(left.rows.map((r) => [r.id, r.messages_remaining]))).toEqual(new Map([[sooner, 0], [later, 4]]));
    expect(await smsLedger(t)).toEqual({ n: 3, cash: -SMS_PRICE, revenue: SMS_PRICE });
    expect(await tenantBalance(pool, t)).toBe(100 - SMS_PRICE);
    // The sooner bundle is empty: the next covered message takes the later one.
    expect(await client.authorizeMessage(sms(t))).toMatchObject({ allowed: true, priceMinor: 0, bundleId: later });
  });

  it('denies by reason: unknown tenant, blocked prefix, a plan without SMS price', async () => {
    const t = await tenantWith(100);
    expect(await client.authorizeMessage(sms(randomUUID()))).toEqual({ allowed: false, reason: 'unknown_tenant' });
    expect(await client.authorizeMessage(sms(t, randomUUID(), '+44909123456'))).toEqual({ allowed: false, reason: 'blocked_destination' });
    const noSms = await seedDeck(pool, 'price', [{ prefix: '44', rateMicrosPerMin: 1 }]);
    const u = await seedTenant(pool, noSms);
    await topUp(pool, u, 100, T0 - 60_000);
    expect(await client.authorizeMessage(sms(u))).toEqual({ allowed: false, reason: 'no_rate' });
    expect(await client.settleMessage({ messageId: 'never-held', tenantId: u, outcome: 'sent', atMs: clock.now() })).toMatchObject({ state: 'unknown', priceMinor: 0 });
  });

  it('serves a new SMS price and a new SMS bundle after their change events (rate_deck, balance)', async () => {
    const t = await tenantWith(100);
    const plan = await seedDeck(pool, 'price', [{ prefix: '44', rateMicrosPerMin: 1 }]);
    await pool.query('UPDATE rate_decks SET sms_price_minor = 3 WHERE id = $1', [plan]);
    await pool.query('UPDATE tenants SET price_plan_id = $1 WHERE id = $2', [plan, t]);
    await rater.tenants.refresh(t);
    expect(await client.authorizeMessage(sms(t))).toMatchObject({ allowed: true, priceMinor: 3 });
    const publisher = new Redis(inject('redisUrl'));
    const publish = (entity: ChangeEntity, id: string) => publisher.publish(changeChannel(entity), encodeChangeEvent({ v: 1, entity, op: 'updated', id, tenantId: entity === 'balance' ? t : null, at: clock.now() }));
    const until = async (what: string, check: () => Promise<boolean>): Promise<void> => {
      for (let i = 0; i < 1_000; i++) {
        if (await check()) return;
        await pool.query('SELECT 1'); // a round trip: the rater's refresh gets its turn
      }
      throw new Error(`timed out waiting for ${what}`);
    };
    try {
      await pool.query('UPDATE rate_decks SET sms_price_minor = 4 WHERE id = $1', [plan]);
      await publish('rate_deck', plan);
      await until('the new price', async () => (await rater.smsCatalog.planPrice(plan))?.smsPriceMinor === 4);
      expect(await client.authorizeMessage(sms(t))).toMatchObject({ allowed: true, priceMinor: 4 });
      const b = await pool.query<{ id: string }>(
        `INSERT INTO sms_bundles (tenant_id, prefixes, messages_granted, messages_remaining, credited_at, expires_at) VALUES ($1, '{44}', 1, 1, $2, $3) RETURNING id`,
        [t, new Date(T0 - 1_000), new Date(T0 + 86_400_000)],
      );
      await publish('balance', t);
      await until('the new bundle', async () => (await rater.smsCatalog.bundles(t)).length === 1);
      expect(await client.authorizeMessage(sms(t))).toMatchObject({ allowed: true, priceMinor: 0, bundleId: b.rows[0]?.id });
    } finally {
      publisher.disconnect();
    }
  });
});
