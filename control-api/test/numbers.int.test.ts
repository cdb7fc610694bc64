/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- HTTP response bodies are untyped JSON; the assertions check their shape. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '#lib/redis/index.js';
import { createLogger } from '#lib/log/index.js';
import { CHANGE_CHANNEL_PATTERN, decodeChangeEvent, type ChangeEvent } from '#lib/change-events/index.js';
import { inject } from 'vitest';
import { isProblem4xx, startHarness, type Harness } from './harness.js';

describe('SIP users, numbers and balances', () => {
  let h: Harness;
  let admin: string;

  beforeAll(async () => {
    h = await startHarness();
    admin = await h.staffToken('admin');
  });
  afterAll(() => h.close());

  async function addNumber(e164: string, extra: Record<string, unknown> = {}): Promise<string> {
    const r = await h.call('POST', '/v1/staff/numbers', { token: admin, body: { e164, country: 'GB', type: 'local', monthlyPriceMinor: 100, setupPriceMinor: 50, currency: 'GBP', ...extra } });
    expect(r.status, r.text).toBe(201);
    return r.body.id as string;
  }

  async function topup(tenantId: string, amountMinor: number, key: string) {
    return h.call('POST', `/v1/staff/tenants/${tenantId}/topups`, { token: admin, headers: { 'idempotency-key': key }, body: { amountMinor, currency: 'GBP' } });
  }

  it('SIP users store HA1 digests only and validate input', async () => {
    const t = await h.tenant(admin);
    const r = await h.call('POST', '/v1/sip-users', { token: t.key, body: { username: 'alice', password: 'alice-secret-1', callerIdE164: '+442071234567' } });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({ username: 'alice', realm: t.realm, enabled: true });
    expect(JSON.stringify(r.body)).not.toMatch(/secret|ha1/i);
    const row = await h.api.pool.query<{ ha1_md5: string }>('SELECT ha1_md5 FROM sip_users WHERE id = $1', [r.body.id]);
    const { createHash } = await import('node:crypto');
    expect(row.rows[0]!.ha1_md5).toBe(createHash('md5').update(`alice:${t.realm}:alice-secret-1`).digest('hex'));
    const upd = await h.call('PATCH', `/v1/sip-users/${r.body.id}`, { token: t.key, body: { enabled: false, password: 'another-secret-2' } });
    expect(upd.status).toBe(200);
    expect(upd.body.enabled).toBe(false);
    const changed = await h.api.pool.query<{ ha1_md5: string }>('SELECT ha1_md5 FROM sip_users WHERE id = $1', [r.body.id]);
    expect(changed.rows[0]!.ha1_md5).not.toBe(row.rows[0]!.ha1_md5);
    for (const body of [
      { username: 'bad user', password: 'long-enough-1' },
      { username: 'bob', password: 'short' },
      { username: 'bob', password: 'long-enough-1', callerIdE164: '02071234567' },
      { username: 'bob', password: 'long-enough-1', admin: true },
      { username: 'b'.repeat(10_000), password: 'long-enough-1' },
    ]) {
      const bad = await h.call('POST', '/v1/sip-users', { token: t.key, body });
      expect(isProblem4xx(bad), bad.text).toBe(true);
      expect(bad.body.errors.length).toBeGreaterThan(0);
    }
    const dup = await h.call('POST', '/v1/sip-users', { token: t.key, body: { username: 'alice', password: 'alice-secret-1' } });
    expect(dup.status).toBe(409);
    const list = await h.call('GET', '/v1/sip-users', { token: t.key });
    expect(list.body.items).toHaveLength(1);
    expect((await h.call('DELETE', `/v1/sip-users/${r.body.id}`, { token: t.key })).status).toBe(204);
    expect((await h.call('GET', `/v1/sip-users/${r.body.id}`, { token: t.key })).status).toBe(404);
  });

  it('buys a number: charges setup + first period, sets routing, upgrades period only, releases to quarantine', async () => {
    const t = await h.tenant(admin);
    const numberId = await addNumber('+442071110001');
    const search = await h.call('GET', '/v1/numbers/available?country=GB&startsWith=%2B4420711', { token: t.key });
    expect(search.body.items.map((n: { id: string }) => n.id)).toContain(numberId);
    const poor = await h.call('POST', '/v1/number-subscriptions', { token: t.key, body: { numberId, period: 'quarter' } });
    expect(poor.status).toBe(402);
    expect((await topup(t.id, 1000, 'n1')).status).toBe(201);
    const user = await h.call('POST', '/v1/sip-users', { token: t.key, body: { username: 'desk', password: 'desk-secret-1' } });
    const buy = await h.call('POST', '/v1/number-subscriptions', { token: t.key, body: { numberId, period: 'quarter', routing: { kind: 'sip_users', sipUserIds: [user.body.id] } } });
    expect(buy.status, buy.text).toBe(201);
    expect(buy.body).toMatchObject({ status: 'active', autoRenew: true, period: 'quarter', e164: '+442071110001', routing: { kind: 'sip_users', sipUserIds: [user.body.id] } });
    expect(buy.body.expiresAt).toBe('2026-06-15T12:00:00.000Z');
    const bal = await h.call('GET', '/v1/balance', { token: t.key });
    expect(bal.body.balanceMinor).toBe(1000 - 50 - 3 * 100);
    const again = await h.call('POST', '/v1/number-subscriptions', { token: t.key, body: { numberId, period: 'month' } });
    expect(again.status).toBe(409);
    const down = await h.call('PATCH', `/v1/number-subscriptions/${buy.body.id}`, { token: t.key, body: { period: 'month' } });
    expect(down.status).toBe(422);
    expect(down.body.code).toBe('API_PERIOD_DOWNGRADE');
    const up = await h.call('PATCH', `/v1/number-subscriptions/${buy.body.id}`, { token: t.key, body: { period: 'year', autoRenew: false, routing: { kind: 'forward', e164: '+447700900123' } } });
    expect(up.status, up.text).toBe(200);
    expect(up.body).toMatchObject({ period: 'year', autoRenew: false, routing: { kind: 'forward', e164: '+447700900123' } });
    for (const routing of [{ kind: 'forward', e164: '07700900123' }, { kind: 'sip_uri', uri: 'http://x' }, { kind: 'sip_users', sipUserIds: ['00000000-0000-4000-8000-000000000000'] }, { kind: 'teleport' }]) {
      const bad = await h.call('PATCH', `/v1/number-subscriptions/${buy.body.id}`, { token: t.key, body: { routing } });
      expect(isProblem4xx(bad), bad.text).toBe(true);
    }
    const rel = await h.call('POST', `/v1/number-subscriptions/${buy.body.id}/release`, { token: t.key });
    expect(rel.body.status).toBe('released');
    expect(rel.body.routing).toBeNull(); // the number left the workspace with its routing (issue 9)
    const inv = await h.call('GET', '/v1/staff/numbers?status=quarantine', { token: admin });
    expect(inv.body.items.find((n: { id: string }) => n.id === numberId)?.quarantineUntil).toBe('2026-04-14T12:00:00.000Z');
    const tx = await h.call('GET', '/v1/ledger-transactions', { token: t.key });
    // Both happened at the same simulated instant, so compare without order.
    expect(tx.body.items.map((x: { kind: string; amountMinor: number }) => `${x.kind}:${x.amountMinor}`).sort()).toEqual(['number_setup:-350', 'topup:1000']);
  });

  it('when 8 workspaces race for one number exactly one gets it and only it is charged', async () => {
    const numberId = await addNumber('+442071110009');
    const racers = await Promise.all(Array.from({ length: 8 }, () => h.tenant(admin)));
    await Promise.all(racers.map((t, i) => topup(t.id, 1000, `race-${i}`)));
    const results = await Promise.all(racers.map((t) => h.call('POST', '/v1/number-subscriptions', { token: t.key, body: { numberId, period: 'month' } })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const balances = await Promise.all(racers.map(async (t) => (await h.call('GET', '/v1/balance', { token: t.key })).body.balanceMinor as number));
    expect(balances.sort((x, y) => x - y)).toEqual([850, 1000, 1000, 1000, 1000, 1000, 1000, 1000]);
  });

  it('KYC numbers stay pending_kyc until staff approve, and are charged then', async () => {
    const t = await h.tenant(admin);
    await topup(t.id, 500, 'k1');
    const numberId = await addNumber('+442071110002', { kycRequired: true });
    const buy = await h.call('POST', '/v1/number-subscriptions', { token: t.key, body: { numberId, period: 'month' } });
    expect(buy.body.status).toBe('pending_kyc');
    expect((await h.call('GET', '/v1/balance', { token: t.key })).body.balanceMinor).toBe(500);
    const support = await h.staffToken('support');
    const ok = await h.call('POST', `/v1/staff/number-subscriptions/${buy.body.id}/approve-kyc`, { token: support });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.status).toBe('active');
    expect((await h.call('GET', '/v1/balance', { token: t.key })).body.balanceMinor).toBe(350);
    expect((await h.call('POST', `/v1/staff/number-subscriptions/${buy.body.id}/approve-kyc`, { token: support })).status).toBe(409);
  });

  it('staff see the KYC queue across workspaces', async () => {
    const t = await h.tenant(admin);
    await topup(t.id, 500, 'q1');
    const numberId = await addNumber('+442071110003', { kycRequired: true });
    const buy = await h.call('POST', '/v1/number-subscriptions', { token: t.key, body: { numberId, period: 'month' } });
    const queue = await h.call('GET', `/v1/staff/number-subscriptions?status=pending_kyc&tenantId=${t.id}`, { token: admin });
    expect(queue.status, queue.text).toBe(200);
    expect(queue.body.items).toEqual([expect.objectContaining({ id: buy.body.id, tenantId: t.id, status: 'pending_kyc', e164: '+442071110003' })]);
    expect((await h.call('GET', '/v1/staff/number-subscriptions', { token: t.key })).status).toBe(403);
  });

  it('credits minute bundles once per Idempotency-Key, charging their price, expiring a year later', async () => {
    const t = await h.tenant(admin);
    await topup(t.id, 1000, 'b0');
    const credit = (key: string, body: unknown) => h.call('POST', `/v1/staff/tenants/${t.id}/minute-bundles`, { token: admin, headers: { 'idempotency-key': key }, body });
    const first = await credit('b1', { prefixes: ['44', '33'], seconds: 6000, priceMinor: 700 });
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ secondsGranted: 6000, secondsRemaining: 6000, creditedAt: '2026-03-15T12:00:00.000Z', expiresAt: '2027-03-15T12:00:00.000Z', replayed: false });
    const again = await credit('b1', { prefixes: ['44', '33'], seconds: 6000, priceMinor: 700 });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect((await credit('b1', { prefixes: ['44'], seconds: 6000, priceMinor: 700 })).status).toBe(422);
    expect((await credit('b2', { prefixes: ['44'], seconds: 600, priceMinor: 400 })).status).toBe(402);
    const free = await credit('b3', { prefixes: ['1'], seconds: 120, priceMinor: 0 });
    expect(free.status, free.text).toBe(201);
    const bal = await h.call('GET', '/v1/balance', { token: t.key });
    expect(bal.body.balanceMinor).toBe(300);
    expect(bal.body.minuteBundles.map((b: { secondsRemaining: number }) => b.secondsRemaining).sort()).toEqual([120, 6000]);
    for (const body of [{ prefixes: [], seconds: 600, priceMinor: 0 }, { prefixes: ['+44'], seconds: 600, priceMinor: 0 }, { prefixes: ['44'], seconds: 1.5, priceMinor: 0 }, { prefixes: ['44'], seconds: 600 }]) {
      const bad = await credit('b9', body);
      expect(isProblem4xx(bad), bad.text).toBe(true);
    }
  });

  it('a top-up is applied exactly once under 20 concurrent retries with the same Idempotency-Key', async () => {
    const t = await h.tenant(admin);
    const results = await Promise.all(Array.from({ length: 20 }, () => topup(t.id, 2500, 'payment-42')));
    expect(results.every((r) => r.status === 201 || r.status === 200)).toBe(true);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.transactionId)).size).toBe(1);
    expect((await h.call('GET', '/v1/balance', { token: t.key })).body.balanceMinor).toBe(2500);
    const ledger = await h.api.pool.query<{ n: number; sum: number }>(
      `SELECT count(*)::int AS n, coalesce(sum(amount_minor), 0)::bigint AS sum FROM ledger_entries e JOIN ledger_transactions x ON x.id = e.transaction_id WHERE x.tenant_id = $1`,
      [t.id],
    );
    expect(ledger.rows[0]).toEqual({ n: 2, sum: 0 });
    const other = await topup(t.id, 999, 'payment-42');
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('API_IDEMPOTENCY_MISMATCH');
    const noKey = await h.call('POST', `/v1/staff/tenants/${t.id}/topups`, { token: admin, body: { amountMinor: 1, currency: 'GBP' } });
    expect(noKey.status).toBe(400);
    expect(noKey.body.errors[0].path).toBe('headers.idempotency-key');
    for (const body of [{ amountMinor: 1.5, currency: 'GBP' }, { amountMinor: -5, currency: 'GBP' }, { amountMinor: '5', currency: 'GBP' }, { amountMinor: 5, currency: 'EUR' }]) {
      const bad = await h.call('POST', `/v1/staff/tenants/${t.id}/topups`, { token: admin, headers: { 'idempotency-key': `bad-${JSON.stringify(body).length}-${String(body.amountMinor)}` }, body });
      expect(isProblem4xx(bad), bad.text).toBe(true);
    }
  });

  it('publishes change notifications on Redis after writes', async () => {
    const sub = createRedis({ url: inject('redisUrl'), log: createLogger({ service: 't', level: 'silent' }) });
    const seen: ChangeEvent[] = [];
    try {
      await sub.psubscribe(CHANGE_CHANNEL_PATTERN);
      sub.on('pmessage', (_p: string, _c: string, message: string) => {
        const d = decodeChangeEvent(message);
        if (d.ok) seen.push(d.event);
      });
      const t = await h.tenant(admin);
      await h.call('PATCH', `/v1/staff/tenants/${t.id}`, { token: admin, body: { maxConcurrentCalls: 1 } });
      await h.call('POST', '/v1/sip-users', { token: t.key, body: { username: 'ev', password: 'event-secret-1' } });
      for (let i = 0; i < 50 && seen.filter((e) => e.tenantId === t.id).length < 3; i++) {
        await new Promise((r) => setImmediate(r));
        await sub.ping();
      }
      const mine = seen.filter((e) => e.tenantId === t.id).map((e) => `${e.entity}:${e.op}`);
      expect(mine).toEqual(['tenant:created', 'tenant:updated', 'sip_user:created']);
      expect(seen.find((e) => e.entity === 'tenant' && e.op === 'updated' && e.tenantId === t.id)?.fields).toEqual(['maxConcurrentCalls']);
    } finally {
      sub.disconnect();
    }
  });
});
