// Issue 9, "expired number subscription": the number leaves the workspace at once (quarantine for
// NUMBER_QUARANTINE_DAYS, then the inventory) and its routing and per-number data are removed —
// routing target, forward number, recording opt-in and diagnostic flags — not one millisecond early.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { loadConfig } from '#lib/config/index.js';
import { createPool, type Pool } from '#lib/db/index.js';
import { createLogger } from '#lib/log/index.js';
import { runBillingJob } from '#workers/billing/index.js';
import { workersConfigSchema } from '#workers/config.js';
import { createTestDatabase, type TestDatabase } from '#test/support/db.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 4, 1, 9);
const log = createLogger({ service: 'number-expiry-test', level: 'silent' });

describe('expired number subscription', () => {
  let db: TestDatabase;
  let pool: Pool;
  let redis: Redis;
  let subscriber: Redis;
  const quarantineDays = loadConfig(workersConfigSchema, { env: {}, files: [] }).NUMBER_QUARANTINE_DAYS;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool({ url: db.url, log });
    redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    subscriber = new Redis(inject('redisUrl'));
  });
  afterAll(async () => {
    redis.disconnect();
    subscriber.disconnect();
    await pool.end();
    await db.drop();
  });

  const one = async <T>(sql: string, params: unknown[]): Promise<T> => (await pool.query(sql, params)).rows[0] as T;
  const seed = async (expiresAtMs: number) => {
    const tenantId = (await one<{ id: string }>(`INSERT INTO tenants (name, country, default_dial_prefix, currency, sip_realm) VALUES ('t', 'GB', '44', 'GBP', $1) RETURNING id`, [`x${randomUUID().slice(0, 8)}.example.test`])).id;
    const staffId = (await one<{ id: string }>(`INSERT INTO staff_users (email, display_name, role, password_hash, totp_secret_enc) VALUES ($1, 's', 'support', '$argon2id$x', '\\x00') RETURNING id`, [`${randomUUID()}@example.test`])).id;
    const number = async () =>
      (await one<{ id: string }>(`INSERT INTO numbers (e164, country, number_type, monthly_price_minor, currency, status) VALUES ($1, 'GB', 'local', 100, 'GBP', 'active') RETURNING id`, [`+44207${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`])).id;
    const sub = async (numberId: string, exp: number) =>
      (await one<{ id: string }>(
        `INSERT INTO number_subscriptions (tenant_id, number_id, period, auto_renew, status, started_at, expires_at, routing_kind, routing_forward_e164, recording_enabled)
         VALUES ($1, $2, 'month', false, 'active', $3, $4, 'forward', '+447700900123', true) RETURNING id`,
        [tenantId, numberId, new Date(exp - 30 * DAY), new Date(exp)],
      )).id;
    const expiringNumber = await number();
    const keptNumber = await number();
    const expiring = await sub(expiringNumber, expiresAtMs);
    const kept = await sub(keptNumber, expiresAtMs + 60 * DAY);
    const flag = (numberId: string | null) =>
      pool.query(`INSERT INTO diagnostic_recording_flags (tenant_id, number_id, starts_at, ends_at, reason, created_by) VALUES ($1, $2, $3, $4, 'one-way audio', $5)`, [tenantId, numberId, new Date(T0), new Date(expiresAtMs + 7 * DAY), staffId]);
    await flag(expiringNumber);
    await flag(keptNumber);
    await flag(null);
    return { tenantId, expiringNumber, keptNumber, expiring, kept };
  };
  const state = (subId: string) =>
    one<Record<string, unknown>>(
      `SELECT s.status, s.routing_kind, s.routing_forward_e164, s.recording_enabled, n.status AS number_status, n.quarantine_until,
              (SELECT count(*)::int FROM diagnostic_recording_flags f WHERE f.number_id = s.number_id) AS flags
         FROM number_subscriptions s JOIN numbers n ON n.id = s.number_id WHERE s.id = $1`,
      [subId],
    );

  it('keeps everything until the period ends, then quarantines the number and removes its routing and per-number data', async () => {
    const expiresAt = T0 + 10 * DAY;
    const fx = await seed(expiresAt);
    const events: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => events.push(message));
    await subscriber.subscribe('softswitch:changes:number_subscription');
    const run = (nowMs: number) => runBillingJob('renewals', { pool, publisher: redis, clock: new SimulatedClock(nowMs), renewAheadMs: 3 * DAY, quarantineMs: quarantineDays * DAY });

    await run(expiresAt - 1);
    expect(await state(fx.expiring)).toEqual({ status: 'active', routing_kind: 'forward', routing_forward_e164: '+447700900123', recording_enabled: true, number_status: 'active', quarantine_until: null, flags: 1 });

    expect(await run(expiresAt)).toMatchObject({ expired: 1 });
    expect(await state(fx.expiring)).toEqual({
      status: 'expired', routing_kind: null, routing_forward_e164: null, recording_enabled: false, number_status: 'quarantine', quarantine_until: new Date(expiresAt + quarantineDays * DAY), flags: 0,
    });
    // The workspace's other number and its workspace-wide diagnostic flag are untouched.
    expect(await state(fx.kept)).toMatchObject({ status: 'active', routing_kind: 'forward', recording_enabled: true, flags: 1 });
    expect((await one<{ n: number }>('SELECT count(*)::int AS n FROM diagnostic_recording_flags WHERE tenant_id = $1 AND number_id IS NULL', [fx.tenantId])).n).toBe(1);
    // The switch is told, so the number stops ringing the old target at once.
    for (let i = 0; i < 50 && !events.some((e) => e.includes(fx.expiring)); i++) await new Promise((r) => setTimeout(r, 20));
    expect(events.some((e) => e.includes(fx.expiring) && e.includes(fx.tenantId))).toBe(true);
    // Idempotent: a second run at the same time finds nothing to expire.
    expect(await run(expiresAt)).toMatchObject({ expired: 0 });
    await subscriber.unsubscribe();
  });
});
